namespace Stance.Tests.Support;

/// <summary>Paths into the repository and the shared folder beside it.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root (the folder holding Stance.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The bundled prompt folder.</summary>
    public static string StancePrompt => Path.Combine(Root, "prompts", "stance");

    /// <summary>The folder of prompt folders.</summary>
    public static string Prompts => Path.Combine(Root, "prompts");

    /// <summary>The bundled sample data.</summary>
    public static string Data => Path.Combine(Root, "data");

    /// <summary>The job's own build output (src/Stance/bin/CONFIGURATION/net10.0/Stance.dll), built with the
    /// tests.</summary>
    public static string JobAssembly
    {
        get
        {
            var parts = AppContext.BaseDirectory.Replace('\\', '/').Split('/');
            var configuration = parts[Array.LastIndexOf(parts, "bin") + 1];
            return Path.Combine(Root, "src", "Stance", "bin", configuration, "net10.0", "Stance.dll");
        }
    }

    /// <summary>The seed commentary in ../shared, or null when it is not there.</summary>
    public static string? Seed
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "seed", "commentary.txt"));
            return File.Exists(path) ? path : null;
        }
    }

    /// <summary>The test GGUF model in ../shared (stories260K, gibberish but real), or null when it is not
    /// there.</summary>
    public static string? TestModel
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "models", "stories260K.gguf"));
            return File.Exists(path) ? path : null;
        }
    }

    /// <summary>The reason a local-model test skips.</summary>
    public const string NoTestModel = "../shared/models/stories260K.gguf is absent: " +
        "the local-model tests need the shared folder beside the repository";

    /// <summary>The reason a seed test skips.</summary>
    public const string NoSeed = "../shared/seed/commentary.txt is absent: " +
        "the seed tests need the shared folder beside the repository";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Stance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Stance.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder removed at dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    /// <summary>Creates an empty folder under the system temp folder.</summary>
    public TempFolder() => Directory.CreateDirectory(Path);

    /// <summary>The folder's full path.</summary>
    public string Path { get; } =
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "stance-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A path inside the folder, with parents created.</summary>
    public string File(string relative, string? content = null)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        if (content is not null)
        {
            System.IO.File.WriteAllText(full, content);
        }

        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

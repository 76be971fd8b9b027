using System.Text.Json;
using Stance.Tests.Support;
using Xunit.Abstractions;

namespace Stance.Tests.Deploy;

/// <summary>The job as the image holds it: published by the Dockerfile's own steps from only the files it copies,
/// then started as its ENTRYPOINT from its WORKDIR with its ENV, with the bundled data as input. No Docker is needed,
/// so this is what the tests can say about an image they cannot build.</summary>
[Collection(PublishRunsAlone.Name)]
public sealed class PublishedJobTests(PublishedImage image, ITestOutputHelper output) : IClassFixture<PublishedImage>
{
    [Fact]
    public async Task TheImagesJobScoresTheBundledDataFromItsWorkingDirectory()
    {
        output.WriteLine($"the Dockerfile's build took {image.Duration.TotalSeconds:F1} s:\n{image.Build.Log}");
        var input = image.Scratch("input");
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Data, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(input, Path.GetRelativePath(RepoPaths.Data, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var tables = Path.Combine(image.Scratch("output"), "out");
        // The pod's root file system is read-only: the job must write nothing in its own folder nor in its home.
        var home = image.Scratch("home");
        var imageFiles = Files(image.Build.WorkingDirectory);
        var environment = new Dictionary<string, string>(image.Build.Environment) { ["HOME"] = home };

        var (exitCode, log) = await ChildProcess.RunAsync(
            image.Build.EntryPoint[0],
            [.. image.Build.EntryPoint.Skip(1), "--input", input, "--output", tables],
            image.Build.WorkingDirectory,
            TimeSpan.FromMinutes(2),
            environment);

        Assert.True(exitCode == 0, log);
        var rows = Assert.Single(DuckDb.Query(
            "SELECT count(*) AS n, count(*) FILTER (WHERE status = 'ok') AS ok, min(provider) AS provider " +
            $"FROM {DuckDb.Table(tables, "paragraphs")}"));
        Assert.Equal(17L, rows["n"]); // the bundled data's paragraphs, as in ZeroSetupDefaultTests
        Assert.Equal(17L, rows["ok"]);
        Assert.Equal("lexicon", rows["provider"]);
        Assert.NotEmpty(DuckDb.Query($"SELECT * FROM {DuckDb.Table(tables, "targets")}"));
        var manifest = Assert.Single(
            Directory.GetFiles(Path.Combine(tables, "runs"), "*.json", SearchOption.AllDirectories));
        using var run = JsonDocument.Parse(File.ReadAllText(manifest));
        Assert.Equal(17, run.RootElement.GetProperty("counts").GetProperty("paragraphs").GetInt32());
        Assert.Equal(imageFiles, Files(image.Build.WorkingDirectory));
        Assert.Empty(Files(home));
    }

    [Fact]
    public void TheImagesJobNeedsOnlyTheRuntimeOfItsBaseImage()
    {
        // runtime:10.0 has Microsoft.NETCore.App alone; a job that needed ASP.NET Core would need aspnet:10.0.
        using var config = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(image.Build.WorkingDirectory, "Stance.runtimeconfig.json")));
        var options = config.RootElement.GetProperty("runtimeOptions");
        Assert.False(options.TryGetProperty("frameworks", out _), "the job needs more than one shared framework");
        var framework = options.GetProperty("framework");
        Assert.Equal("Microsoft.NETCore.App", framework.GetProperty("name").GetString());
        Assert.StartsWith("10.0.", framework.GetProperty("version").GetString(), StringComparison.Ordinal);
        var dockerfile = Dockerfile.Load(Path.Combine(RepoPaths.Root, "Dockerfile"));
        Assert.Equal("mcr.microsoft.com/dotnet/runtime:10.0", dockerfile.Final.Image);
    }

    [Fact]
    public void TheImageHoldsTheLlamaLibrariesOfItsOwnArchitectureOnly()
    {
        // Published for one runtime identifier (-a): the local model's native files of one platform, not of seven.
        var platforms = Directory.GetDirectories(Path.Combine(image.Build.WorkingDirectory, "runtimes"))
            .Select(Path.GetFileName);
        var platform = Assert.Single(platforms);
        Assert.StartsWith("linux-", platform, StringComparison.Ordinal);
        var native = Path.Combine(image.Build.WorkingDirectory, "runtimes", platform!);
        Assert.NotEmpty(Directory.GetFiles(native, "libllama.so", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(image.Build.WorkingDirectory, "prompts", "stance", "skprompt.txt")));
        Assert.True(File.Exists(Path.Combine(image.Build.WorkingDirectory, "appsettings.json")));
    }

    private static List<string> Files(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)];
}

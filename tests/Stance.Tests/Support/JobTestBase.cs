namespace Stance.Tests.Support;

/// <summary>A scripted OpenAI-compatible server and a temporary folder with <c>in/</c> and <c>out/</c>, per
/// test.</summary>
public abstract class JobTestBase : IAsyncLifetime
{
    private protected OpenAiTestServer Server { get; private set; } = null!;

    private protected TempFolder Folder { get; private set; } = null!;

    private protected string Input => Path.Combine(Folder.Path, "in");

    private protected string Output => Path.Combine(Folder.Path, "out");

    public virtual async Task InitializeAsync()
    {
        Server = await OpenAiTestServer.StartAsync();
        Folder = new TempFolder();
        Directory.CreateDirectory(Input);
    }

    /// <summary>Copies every file below <paramref name="from"/> to <paramref name="to"/>, keeping relative
    /// paths.</summary>
    private protected static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Folder.Dispose();
    }
}

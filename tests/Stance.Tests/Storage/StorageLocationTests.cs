using Stance.Hosting;
using Stance.Storage;
using Stance.Tests.Support;

namespace Stance.Tests.Storage;

/// <summary>A location that looks like a URL is refused at start, naming what is supported, instead of becoming a
/// local folder named after its scheme (issue #15: object stores are not built yet).</summary>
public sealed class StorageLocationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("out")]
    [InlineData("/var/data/stance")]
    [InlineData("C:\\data\\stance")]
    [InlineData("./az/stance")]
    public void ALocalPathIsNoProblem(string path) => Assert.Null(StorageLocation.UrlProblem("Stance:Output", path));

    [Theory]
    [InlineData("az://analytics/stance", "az")]
    [InlineData("s3://analytics/stance", "s3")]
    [InlineData("gs://analytics/stance", "gs")]
    [InlineData("https://acct.blob.core.windows.net/analytics/stance", "https")]
    public void AUrlIsRefusedNamingItsScheme(string url, string scheme)
    {
        var problem = StorageLocation.UrlProblem("Stance:Output", url);

        Assert.NotNull(problem);
        Assert.StartsWith($"Stance:Output: '{url}' is a URL ({scheme}://)", problem, StringComparison.Ordinal);
        Assert.Contains("not built yet", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMessageNeverRepeatsCredentialsOrASignature()
    {
        var problem = StorageLocation.UrlProblem(
            "Stance:Output", "https://user:hunter2@acct.blob.core.windows.net/c/p?sv=2024&sig=SECRETSIG");

        Assert.NotNull(problem);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETSIG", problem, StringComparison.Ordinal);
        Assert.Contains("acct.blob.core.windows.net/c/p", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--output", "az://analytics/stance", "Stance:Output")]
    [InlineData("--input", "s3://analytics/in", "Stance:Input")]
    [InlineData("--Stance:Journal", "s3://analytics/journal.db", "Stance:Journal")]
    public async Task TheJobStopsWithAConfigurationErrorAndCreatesNoFolderNamedAfterTheScheme(
        string option, string url, string key)
    {
        var cwd = Environment.CurrentDirectory;
        var run = await StanceRunner.RunAsync(
            option.StartsWith("--Stance:", StringComparison.Ordinal)
                ? ["--input", RepoPaths.Data, "--output", Path.Combine(_folder.Path, "out"), $"{option}={url}"]
                : ["--input", RepoPaths.Data, "--output", Path.Combine(_folder.Path, "out"), option, url]);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains($"{key}: '{url}' is a URL", run.LogText, StringComparison.Ordinal);
        var scheme = url[..url.IndexOf(':', StringComparison.Ordinal)];
        Assert.False(Directory.Exists(Path.Combine(cwd, scheme + ":")));
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "out")));
    }
}

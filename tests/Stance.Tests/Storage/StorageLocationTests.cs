using Stance.Hosting;
using Stance.Storage;
using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Storage;

/// <summary>A location is a local path or one of the object store forms; any other URL is refused at start, naming
/// what is supported, instead of becoming a local folder named after its scheme. The journal is always local.</summary>
public sealed class StorageLocationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("out")]
    [InlineData("/var/data/stance")]
    [InlineData("C:\\data\\stance")]
    [InlineData("./az/stance")]
    public void ALocalPathIsNoProblemAndNoStore(string path)
    {
        Assert.Null(StorageLocation.LocationProblem("Stance:Output", path));
        Assert.Null(ObjectLocation.Parse(path));
    }

    [Theory]
    [InlineData("s3://analytics/stance", "S3", "analytics", "stance", null)]
    [InlineData("s3://analytics", "S3", "analytics", "", null)]
    [InlineData("az://analytics/stance/nightly/", "AzureBlob", "analytics", "stance/nightly", null)]
    [InlineData("https://acct.blob.core.windows.net/analytics/stance", "AzureBlob", "analytics",
        "stance", "https://acct.blob.core.windows.net/")]
    [InlineData("abfss://analytics@acct.dfs.core.windows.net/stance", "AzureBlob", "analytics",
        "stance", "https://acct.blob.core.windows.net/")]
    public void AStoreLocationIsParsedIntoItsStoreContainerAndPrefix(
        string value, string kind, string container, string prefix, string? account)
    {
        var location = ObjectLocation.Parse(value);

        Assert.NotNull(location);
        Assert.Equal((kind, container, prefix), (location.Kind.ToString(), location.Container, location.Prefix));
        Assert.Equal(account, location.AccountUrl?.AbsoluteUri);
        Assert.Null(StorageLocation.LocationProblem("Stance:Output", value));
    }

    [Theory]
    [InlineData("gs://analytics/stance")]
    [InlineData("s4://analytics/stance")]
    [InlineData("https://example.com/analytics/stance")]
    [InlineData("az:///stance")]
    public void AnyOtherUrlIsRefusedNamingTheSupportedForms(string url)
    {
        var problem = StorageLocation.LocationProblem("Stance:Output", url);

        Assert.NotNull(problem);
        Assert.StartsWith($"Stance:Output: '{url}' is not a location this version can use", problem,
            StringComparison.Ordinal);
        Assert.Contains(ObjectLocation.Supported, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMessageNeverRepeatsCredentialsOrASignature()
    {
        var problem = StorageLocation.LocationProblem(
            "Stance:Output", "https://user:hunter2@example.com/c/p?sv=2024&sig=SECRETSIG");

        Assert.NotNull(problem);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETSIG", problem, StringComparison.Ordinal);
        Assert.Contains("example.com/c/p", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AJournalThatIsAUrlIsRefusedSayingItMustBeLocal()
    {
        var problem = StorageLocation.UrlProblem("Stance:Journal", "s3://analytics/journal.db");

        Assert.NotNull(problem);
        Assert.Contains("need a local disk", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchModeWithAnObjectStoreOutputNeedsAJournalNamedOnAPersistentDisk()
    {
        var run = await StanceRunner.RunAsync(
            ["--input", RepoPaths.Data, "--output", "s3://analytics/stance", "--provider", "openai", "--batch",
                "--Stance:Llm:ApiKey=k"]);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains("--batch with an object-store output needs Stance:Journal", run.LogText,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--output", "gs://analytics/stance", "Stance:Output: 'gs://analytics/stance' is not a location")]
    [InlineData("--input", "s4://analytics/in", "Stance:Input: 's4://analytics/in' is not a location")]
    [InlineData("--Stance:Journal", "s3://analytics/j.db", "Stance:Journal: 's3://analytics/j.db' is a URL")]
    [InlineData("--Stance:Storage:StateFolder", "s3://analytics/state",
        "Stance:Storage:StateFolder: 's3://analytics/state' is a URL")]
    public async Task TheJobStopsWithAConfigurationErrorAndCreatesNoFolderNamedAfterTheScheme(
        string option, string url, string message)
    {
        var cwd = Environment.CurrentDirectory;
        var run = await StanceRunner.RunAsync(
            option.StartsWith("--Stance:", StringComparison.Ordinal)
                ? ["--input", RepoPaths.Data, "--output", Path.Combine(_folder.Path, "out"), $"{option}={url}"]
                : ["--input", RepoPaths.Data, "--output", Path.Combine(_folder.Path, "out"), option, url]);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains(message, run.LogText, StringComparison.Ordinal);
        var scheme = url[..url.IndexOf(':', StringComparison.Ordinal)];
        Assert.False(Directory.Exists(Path.Combine(cwd, scheme + ":")));
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "out")));
    }
}

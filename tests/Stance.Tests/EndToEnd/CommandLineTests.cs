using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>The job as a child process: what a malformed setting or a missing key does to the exit code and the
/// output.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("Stance:Resilience:MaxRetries", "abc", "Int32")]
    [InlineData("Stance:Resilience:AttemptTimeout", "ninety seconds", "TimeSpan")]
    [InlineData("Stance:Cache", "perhaps", "Boolean")]
    public async Task AMalformedValueStopsTheJobWithOneLineNamingTheKeyAndTheValue(
        string key, string value, string type)
    {
        var (exitCode, output) = await StanceProcess.RunAsync(["--output", OutputFolder, $"--{key}={value}"]);

        Assert.True(exitCode == ExitCodes.ConfigurationError, output);
        Assert.Contains($"{key}: '{value}' is not a valid {type}", output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
        Assert.False(Directory.Exists(OutputFolder));
    }

    [Fact]
    public async Task ADryRunForOpenAiNeedsNoKeyAndMakesNoCall()
    {
        var (exitCode, output) = await StanceProcess.RunAsync(
            ["--provider", "openai", "--dry-run", "--input", RepoPaths.Data, "--output", OutputFolder]);

        Assert.True(exitCode == ExitCodes.Ok, output);
        Assert.Contains("provider openai, model gpt-4o-mini", output);
        Assert.Contains("(no call made, nothing written)", output);
        Assert.DoesNotContain("needs a key", output);
        Assert.False(Directory.Exists(OutputFolder));
    }

    [Fact]
    public async Task CheckingThePromptsForOpenAiNeedsNoKey()
    {
        var (exitCode, output) = await StanceProcess.RunAsync(
            ["--provider", "openai", "--check-prompts", "--input", RepoPaths.Data, "--output", OutputFolder]);

        Assert.True(exitCode == ExitCodes.Ok, output);
        Assert.Contains("Prompt 'stance' is valid", output);
        Assert.DoesNotContain("needs a key", output);
    }

    [Fact]
    public async Task ARealRunForOpenAiStillNeedsAKey()
    {
        var (exitCode, output) = await StanceProcess.RunAsync(
            ["--provider", "openai", "--input", RepoPaths.Data, "--output", OutputFolder]);

        Assert.Equal(ExitCodes.ConfigurationError, exitCode);
        Assert.Contains("api.openai.com needs a key", output);
    }

    private string OutputFolder => Path.Combine(_folder.Path, "out");
}

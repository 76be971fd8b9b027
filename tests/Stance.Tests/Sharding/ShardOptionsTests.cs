using Stance.Hosting;
using Stance.Sharding;
using Stance.Tests.Support;

namespace Stance.Tests.Sharding;

/// <summary>What a shard process must be told, checked before any call: its index (or the Indexed Job's
/// <c>JOB_COMPLETION_INDEX</c>) within the shard count, and no mode that is not built for shards.</summary>
public sealed class ShardOptionsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string[] Args(params string[] extra) =>
        ["--input", RepoPaths.Data, "--output", Path.Combine(_folder.Path, "out"), "--prompts", RepoPaths.Prompts,
            .. extra];

    [Theory]
    [InlineData(new[] { "--shards", "4" }, "Stance:ShardIndex: with --shards 4 each process needs its shard")]
    [InlineData(new[] { "--shards", "4", "--shard-index", "4" }, "ShardIndex: 4 is not a shard of --shards 4")]
    [InlineData(new[] { "--shards", "4", "--JOB_COMPLETION_INDEX=7" }, "7 is not a shard of --shards 4")]
    [InlineData(new[] { "--shards", "4", "--JOB_COMPLETION_INDEX=two" }, "JOB_COMPLETION_INDEX: 'two' is not")]
    [InlineData(new[] { "--shards", "0" }, "Stance:Shards")]
    [InlineData(new[] { "--commit" }, "--commit finishes a sharded run")]
    [InlineData(new[] { "--shards", "2", "--shard-index", "0", "--batch", "--provider", "openai",
        "--OPENAI_API_KEY=x" },
        "a sharded run with --batch is not built")]
    [InlineData(new[] { "--shards", "2", "--shard-index", "0", "--schedule", "0 2 * * *" }, "with --schedule")]
    [InlineData(new[] { "--shards", "2", "--shard-index", "1", "--dry-run" }, "with --dry-run")]
    [InlineData(new[] { "--shards", "2", "--shard-index", "1", "--run-name", "a/b" }, "Stance:RunName must be")]
    public async Task AShardWithoutAValidPlaceInItsRunStopsAtStartWithExit2(string[] extra, string message)
    {
        var result = await StanceRunner.RunAsync(Args(extra));

        Assert.True(result.ExitCode == ExitCodes.ConfigurationError, result.LogText);
        Assert.Contains(message, result.LogText, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "out")));
    }

    [Fact]
    public async Task TheIndexOfAnIndexedJobPodIsTakenFromJobCompletionIndex()
    {
        // As Kubernetes sets it: an environment variable of the pod (a child process here).
        var (exitCode, output) = await StanceProcess.RunAsync(Args("--shards", "2"), TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { [ShardOptions.CompletionIndexVariable] = "1" });

        Assert.True(exitCode == ExitCodes.Ok, output);
        Assert.Contains("Shard 1 of 2, run ", output, StringComparison.Ordinal);
        Assert.Contains("waiting for 1 shards (0)", output, StringComparison.Ordinal);
    }
}

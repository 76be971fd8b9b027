using Stance.Hosting;
using Stance.Storage;
using Stance.Storage.Objects;
using Stance.Storage.Objects.Folder;
using Stance.Tests.Support;

namespace Stance.Tests.Sharding;

/// <summary>Shards writing to one local folder (one machine, or a volume every pod mounts).</summary>
public sealed class LocalShardedRunTests : ShardedRunContract
{
    private protected override string Output => Path.Combine(Root, "out");

    private protected override IObjectStore Dataset => new FolderObjectStore(Output);

    private protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>();

    private protected override void SkipIfUnavailable()
    {
    }

    [Fact]
    public async Task OneProcessThenTwoShardsThenOneProcessOnAFreshJournalPayForEachParagraphOnce()
    {
        var (single, singleOutput) = await StanceProcess.RunAsync([.. ShardArgs(1, "one")], TimeSpan.FromMinutes(2),
            ShardEnvironment(0));
        Assert.True(single == ExitCodes.Ok, singleOutput);
        Assert.Equal(Paragraphs, Requests);

        // The shards' journals are new: what the run in one process paid for reaches them through the folder.
        var shards = await Task.WhenAll(ShardAsync(2, 0, "two-0"), ShardAsync(2, 1, "two-1"));
        Assert.All(shards, r => Assert.True(r.ExitCode == ExitCodes.Ok, r.Output));
        var (again, againOutput) = await StanceProcess.RunAsync([.. ShardArgs(1, "three")], TimeSpan.FromMinutes(2),
            ShardEnvironment(0));

        Assert.True(again == ExitCodes.Ok, againOutput);
        Assert.Equal(Paragraphs, Requests);
        Assert.Equal(3, (await ManifestsAsync()).Count);
        await AssertEachParagraphOnceAsync();
    }

    private protected override Task<IAsyncDisposable> HoldDatasetAsync() =>
        Task.FromResult<IAsyncDisposable>(new Held(RunClaim.Acquire(Path.Combine(Output, ".stance", "run.lock"),
            "the test")));

    // Staged parts of a local folder are hidden temporary files next to their final names.
    private protected override Task<int> PendingUploadsAsync() => Task.FromResult(Directory.Exists(Output)
        ? Directory.EnumerateFiles(Output, ".part-*.tmp", SearchOption.AllDirectories).Count()
        : 0);

    private sealed class Held(IDisposable claim) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            claim.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

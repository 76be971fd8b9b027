using Stance.Storage;
using Stance.Storage.Objects;
using Stance.Storage.Objects.Folder;

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

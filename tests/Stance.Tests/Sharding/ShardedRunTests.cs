using Microsoft.Extensions.Logging.Abstractions;
using Stance.Sharding;
using Stance.Storage.Objects;
using Stance.Storage.Objects.Folder;
using Stance.Tests.Support;

namespace Stance.Tests.Sharding;

/// <summary>How shards agree on their run through records next to the dataset, without talking to each
/// other.</summary>
public sealed class ShardedRunTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ShardRunRecord Record(string runId, int shards = 4, string prompt = "p1", string input = "i1") =>
        new("night-1", runId, new DateOnly(2026, 12, 2), "openai", "gpt", "stance", prompt.PadRight(64, '0'), shards,
            input.PadRight(64, '0'), 10, 100, DateTimeOffset.UnixEpoch, 0);

    private static readonly Dictionary<string, int> s_documents = new(StringComparer.Ordinal)
    {
        ["a"] = 5,
        ["b"] = 3,
        ["c"] = 2,
    };

    private static Task<ShardedRun> JoinAsync(IObjectStore store, ShardRunRecord proposed) =>
        ShardedRun.JoinAsync(store, proposed, ShardPlan.Assign(s_documents, proposed.Shards), NullLogger.Instance,
            CancellationToken.None);

    public static TheoryData<string> Stores => ["memory", "folder"];

    private IObjectStore[] Open(string kind, int count)
    {
        if (kind == "memory")
        {
            var shared = new MemoryObjectStore();
            return [.. Enumerable.Repeat<IObjectStore>(shared, count)];
        }

        // One store per process, all on one folder.
        return [.. Enumerable.Range(0, count).Select(_ => new FolderObjectStore(_folder.Path))];
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task OfShardsStartingAtOnceAllJoinTheRunTheFirstCreated(string kind)
    {
        var stores = Open(kind, 8);

        var runs = await Task.WhenAll(stores.Select((store, i) => JoinAsync(store, Record($"run-{i}"))));

        Assert.Single(runs.Select(r => r.Record.RunId).Distinct());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task OfShardsClaimingTheCommitAtOnceExactlyOneCommits(string kind)
    {
        var stores = Open(kind, 8);
        var runs = await Task.WhenAll(stores.Select((store, i) => JoinAsync(store, Record($"run-{i}"))));

        var claims = await Task.WhenAll(runs.Select((run, shard) =>
            run.ClaimCommitAsync(shard, force: false, CancellationToken.None)));

        Assert.Single(claims, claimed => claimed);
        // The winner asking again (a retry of its index) is still the one; a forced --commit may always.
        var winner = Array.IndexOf(claims, true);
        Assert.True(await runs[winner].ClaimCommitAsync(winner, force: false, CancellationToken.None));
        Assert.True(await runs[0].ClaimCommitAsync(-1, force: true, CancellationToken.None));
    }

    [Fact]
    public async Task AShardThatDiffersFromAnUnfinishedRunIsRefusedSayingWhatDiffers()
    {
        var store = new MemoryObjectStore();
        await JoinAsync(store, Record("run-a"));

        var refused = await Assert.ThrowsAsync<ShardRunException>(() =>
            JoinAsync(store, Record("run-b", shards: 3, prompt: "p2")));

        Assert.Contains("prompt p10000000000 (the run's) vs p20000000000", refused.Message, StringComparison.Ordinal);
        Assert.Contains("shards 4 (the run's) vs 3 (this shard's)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnceCommittedTheSameRunIsFoundDoneAndAnotherOneStartsUnderTheName()
    {
        var store = new MemoryObjectStore();
        var first = await JoinAsync(store, Record("run-a"));
        Assert.Equal(["run-a"], await ShardedRun.OpenRunIdsAsync(store, CancellationToken.None));
        await first.MarkCommittedAsync("runs/x.json", 0, CancellationToken.None);

        var again = await JoinAsync(store, Record("run-b"));
        var other = await JoinAsync(store, Record("run-c", prompt: "p2"));

        Assert.Equal(("run-a", true), (again.Record.RunId, again.Committed));
        Assert.Equal(("run-c", false), (other.Record.RunId, other.Committed));
        Assert.Equal(["run-c"], await ShardedRun.OpenRunIdsAsync(store, CancellationToken.None));
    }

    [Fact]
    public async Task AShardThatReadsOtherInputJoinsTheRunAndFollowsThePlanItsFirstShardRecorded()
    {
        var store = new MemoryObjectStore();
        var first = await JoinAsync(store, Record("run-a", shards: 2));

        var late = await ShardedRun.JoinAsync(store, Record("run-b", shards: 2, input: "i2"),
            ShardPlan.Assign(new Dictionary<string, int>(StringComparer.Ordinal) { ["z"] = 9 }, 2),
            NullLogger.Instance, CancellationToken.None);
        var plan = await late.ReadPlanAsync(CancellationToken.None);

        Assert.Equal(first.Record.RunId, late.Record.RunId);
        Assert.Equal(ShardPlan.Assign(s_documents, 2).Assignment.OrderBy(a => a.Key, StringComparer.Ordinal),
            plan.Assignment.OrderBy(a => a.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheManifestsOfTheShardsThatHaveNotFinishedAreMissing()
    {
        var store = new MemoryObjectStore();
        var run = await JoinAsync(store, Record("run-a", shards: 3));
        await run.WriteManifestAsync(new ShardManifest(1, "run-a", 0, [], [], null!), CancellationToken.None);

        Assert.Equal([0, 2], await run.MissingAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("paragraphs/run_date=2026-12-02/part-20261202T010203Z-0123abcd-s0003-00000.parquet", true)]
    [InlineData("paragraphs/run_date=2026-12-02/part-20261202T010203Z-99999999-s0003-00000.parquet", false)]
    [InlineData("paragraphs/run_date=2026-12-02/notes.txt", false)]
    public void APartBelongsToTheRunWhoseIdItCarries(string part, bool belongs)
    {
        var open = new HashSet<string>(StringComparer.Ordinal) { "20261202T010203Z-0123abcd" };

        Assert.Equal(belongs, ShardedRun.BelongsTo(part, open));
    }
}

using Stance.Hosting;
using Stance.Sharding;
using Stance.Storage;
using Stance.Storage.Objects;
using Stance.Storage.Objects.Folder;
using Stance.Tests.Support;

namespace Stance.Tests.Sharding;

/// <summary>Shards writing to one local folder (one machine, or a volume every pod mounts); what does not depend on
/// the kind of store (the commit race, the commit step, a run in one process meanwhile, other input) is shown
/// here.</summary>
public sealed class LocalShardedRunTests : ShardedRunContract
{
    private protected override string Output => Path.Combine(Root, "out");

    private protected override IObjectStore Dataset => new FolderObjectStore(Output);

    private protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>();

    private protected override void SkipIfUnavailable()
    {
    }

    [Fact]
    public async Task TwoShardsRunningTogetherCommitTheRunExactlyOnce()
    {
        // Both shards' answers are held until both have asked (a shard sends its first request alone), then released
        // together: the two shards, of equal size, usually finish together. Whether both then find every manifest
        // depends on timing; that exactly one of any number of shards claiming at once commits is shown,
        // deterministically, by ShardedRunTests.OfShardsClaimingTheCommitAtOnceExactlyOneCommits.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Responder = request => Reply.Answer(request.DefaultAnswer()) with { Hold = release.Task };
        var shards = new[] { ShardAsync(2, 0, "r0"), ShardAsync(2, 1, "r1") };
        await Eventually.WaitUntil(() => Requests >= 2, TimeSpan.FromMinutes(1));
        release.SetResult();
        var results = await Task.WhenAll(shards);

        Assert.All(results, r => Assert.True(r.ExitCode == ExitCodes.Ok, r.Output));
        Assert.Single(results, r => r.Output.Contains("committed from 2 shards", StringComparison.Ordinal));
        Assert.Single(await ManifestsAsync());
        await AssertEachParagraphOnceAsync();
    }


    [Fact]
    public async Task ACommitHeldUpByAnotherRunIsFinishedByTheSeparateCommitStep()
    {
        var (first, firstOutput) = await ShardAsync(2, 0, "c0");
        Assert.True(first == ExitCodes.Ok, firstOutput);
        Assert.Contains("waiting for 1 shards (1)", firstOutput, StringComparison.Ordinal);

        // The last shard finds the dataset held by another run: it stops (for Kubernetes to retry it), uncommitted.
        await using (await HoldDatasetAsync())
        {
            var (last, lastOutput) = await ShardAsync(2, 1, "c1");
            Assert.True(last == ExitCodes.OutputLocked, lastOutput);
            Assert.Empty(await ManifestsAsync());
        }

        var paid = Requests;
        var (exit, output) = await CommitStepAsync(2, "commit-step");

        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Contains("committed from 2 shards", output, StringComparison.Ordinal);
        Assert.Equal((Paragraphs, paid), (paid, Requests));
        Assert.Single(await ManifestsAsync());
        await AssertEachParagraphOnceAsync();
        Assert.Equal(0, await PendingUploadsAsync());
    }


    [Fact]
    public async Task ARunInOneProcessBetweenTwoShardsLeavesTheirStagedPartsAlone()
    {
        var (first, firstOutput) = await ShardAsync(2, 0, "s0");
        Assert.True(first == ExitCodes.Ok, firstOutput);

        // Its recovery must not take shard 0's staged parts for a crashed run's leftovers.
        var (single, singleOutput) = await StanceProcess.RunAsync(
            [.. ShardArgs(1, "single")], TimeSpan.FromMinutes(2), ShardEnvironment(0));
        Assert.True(single == ExitCodes.Ok, singleOutput);
        var (last, lastOutput) = await ShardAsync(2, 1, "s1");

        Assert.True(last == ExitCodes.Ok, lastOutput);
        Assert.Contains("committed from 2 shards", lastOutput, StringComparison.Ordinal);
        Assert.Equal(2, (await ManifestsAsync()).Count);
        await AssertEachParagraphOnceAsync();
        Assert.Equal(0, await PendingUploadsAsync());
    }


    [Fact]
    public async Task AShardThatReadsChangedInputFollowsTheRunsPlanSoNoParagraphIsScoredTwice()
    {
        var (first, firstOutput) = await ShardAsync(2, 0, "m0");
        Assert.True(first == ExitCodes.Ok, firstOutput);
        // A new document and a longer one arrive after shard 0 has read the input.
        var longer = Directory.EnumerateFiles(Path.Combine(Input, "c")).Order(StringComparer.Ordinal).First();
        File.AppendAllText(longer, "\n\nPoint 900: a paragraph that arrived after the run started, naming Armenia.\n");
        Corpus.Write(Path.Combine(Input, "d"), 3, perDocument: 3, first: 800);

        var (exit, output) = await ShardAsync(2, 1, "m1");

        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Contains("the input changed since the run started", output, StringComparison.Ordinal);
        Assert.Contains("committed from 2 shards", output, StringComparison.Ordinal);
        var manifest = Assert.Single(await ManifestsAsync());
        // Each document was scored by one shard only: as shard 0 read it, or (shard 1's, or new) as shard 1 read it.
        var (rows, ids) = await RowsAsync();
        Assert.Equal(rows, ids);
        Assert.Equal(manifest.Counts.Paragraphs, rows);
        Assert.InRange(rows, Paragraphs, Paragraphs + 4);
    }

    [Fact]
    public async Task ACommitterKilledMidCommitIsFinishedByTheRetryOfItsShardOnAnEmptyDisk()
    {
        var (first, firstOutput) = await ShardAsync(2, 0, "k0");
        Assert.True(first == ExitCodes.Ok, firstOutput);

        // The last shard commits and is killed between two renames of the commit.
        var environment = ShardEnvironment(1);
        environment["STANCE_TEST_HOLD"] = "commit-step:2";
        await StanceProcess.KillWhenHeldAsync(ShardArgs(2, "k1"), environment,
            Path.Combine(Output, ".stance", "held"));
        Assert.Empty(await ManifestsAsync());
        var paid = Requests;

        // Kubernetes retries the index elsewhere, at once: it waits out the killed one's lock, finds its manifest and
        // its commit marker, and finishes the commit.
        var (retry, retryOutput) = await ShardAsync(2, 1, "k1-again");

        Assert.True(retry == ExitCodes.Ok, retryOutput);
        Assert.Contains("finished earlier (exit code 0): only the commit is tried", retryOutput,
            StringComparison.Ordinal);
        Assert.Contains("committed from 2 shards", retryOutput, StringComparison.Ordinal);
        Assert.Equal((Paragraphs, paid), (paid, Requests));
        Assert.Single(await ManifestsAsync());
        await AssertEachParagraphOnceAsync();
        Assert.Equal(0, await PendingUploadsAsync());
    }

    [Fact]
    public async Task ACommitStepBeforeEveryShardHasFinishedSaysWhichAreMissingAndCommitsNothing()
    {
        var (first, firstOutput) = await ShardAsync(3, 1, "w1");
        Assert.True(first == ExitCodes.Ok, firstOutput);

        var (exit, output) = await CommitStepAsync(3, "commit-early");

        Assert.True(exit == ExitCodes.OutputLocked, output);
        Assert.Contains("waiting for 2 shards (0, 2)", output, StringComparison.Ordinal);
        Assert.Empty(await ManifestsAsync());
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

    // The separate --commit step: one process with no shard index.
    private Task<(int ExitCode, string Output)> CommitStepAsync(int shards, string disk)
    {
        var environment = ShardEnvironment(0);
        environment.Remove(ShardOptions.CompletionIndexVariable);
        return StanceProcess.RunAsync([.. ShardArgs(shards, disk), "--commit"], TimeSpan.FromMinutes(2), environment);
    }

    private Task<IAsyncDisposable> HoldDatasetAsync() =>
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

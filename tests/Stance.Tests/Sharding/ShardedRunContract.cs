using System.Globalization;
using Stance.Hosting;
using Stance.Output;
using Stance.Sharding;
using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Sharding;

/// <summary>A run spread over shard processes as a Kubernetes Indexed Job runs them (issue #16): each child process
/// gets <c>--shards N</c>, its index in <c>JOB_COMPLETION_INDEX</c> and a journal and state folder of its own (each
/// pod has its own disk), against the LLM test server. One dataset results, every paragraph exactly once, one
/// manifest listing the shards; a shard killed and restarted on an empty disk pays again at most for its requests in
/// flight; a new shard count the next night makes no call.</summary>
public abstract class ShardedRunContract : IAsyncLifetime
{
    private protected const int Paragraphs = 48;
    private protected const int Concurrency = 2;

    private OpenAiTestServer _server = null!;
    private TempFolder _folder = null!;

    private protected string Root => _folder.Path;

    private protected string Input => Path.Combine(Root, "in");

    /// <summary>The LLM test server.</summary>
    private protected OpenAiTestServer Server => _server;

    /// <summary>The requests the LLM test server received.</summary>
    private protected int Requests => _server.Requests.Count;

    /// <summary>The output a user types.</summary>
    private protected abstract string Output { get; }

    /// <summary>The dataset's root as a store, to look at what the shards left.</summary>
    private protected abstract IObjectStore Dataset { get; }

    /// <summary>What a child process needs to reach the store.</summary>
    private protected abstract IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Skips the test (with the reason) when the store cannot run here.</summary>
    private protected abstract void SkipIfUnavailable();

    /// <summary>The uploads neither completed nor aborted, asked of the store directly.</summary>
    private protected abstract Task<int> PendingUploadsAsync();

    public async Task InitializeAsync()
    {
        _server = await OpenAiTestServer.StartAsync();
        _folder = new TempFolder();
        // Documents of different lengths, so that balancing them is not trivial.
        Corpus.Write(Path.Combine(Input, "a"), 20, perDocument: 10);
        Corpus.Write(Path.Combine(Input, "b"), 16, perDocument: 4, first: 20);
        Corpus.Write(Path.Combine(Input, "c"), 12, perDocument: 3, first: 36);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [SkippableFact]
    public async Task FourShardsWriteOneDatasetWithEveryParagraphOnceAndOneManifestListingThem()
    {
        SkipIfUnavailable();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(k => ShardAsync(4, k, $"night1-{k}")));

        foreach (var (exit, output) in results)
        {
            Assert.True(exit == ExitCodes.Ok, output);
        }

        Assert.Equal(Paragraphs, _server.Requests.Count);
        Assert.Single(results, r => r.Output.Contains("committed from 4 shards", StringComparison.Ordinal));
        var manifest = Assert.Single(await ManifestsAsync());
        Assert.Equal([0, 1, 2, 3], manifest.Shards!.Select(s => s.Shard));
        Assert.Equal(Paragraphs, manifest.Shards!.Sum(s => s.Paragraphs));
        Assert.All(manifest.Shards!, s => Assert.InRange(s.Paragraphs, 1, Paragraphs / 2));
        Assert.Equal((Paragraphs, Paragraphs), (manifest.Counts.Paragraphs, manifest.Counts.Ok));
        Assert.Equal(await PartsAsync(), manifest.Files.Order(StringComparer.Ordinal));
        await AssertEachParagraphOnceAsync();
        var keys = await KeysAsync();
        Assert.DoesNotContain(keys, k => k.EndsWith(".lock", StringComparison.Ordinal) && k.Contains("/shard-",
            StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.Contains("/shard-", StringComparison.Ordinal) && k.EndsWith(".json",
            StringComparison.Ordinal));
        Assert.Equal(0, await PendingUploadsAsync());
    }

    [SkippableFact]
    public async Task AShardKilledMidRunAndRestartedOnAnEmptyDiskPaysAgainAtMostForItsRequestsInFlight()
    {
        SkipIfUnavailable();
        var before = await Task.WhenAll(ShardAsync(3, 0, "a0"), ShardAsync(3, 2, "a2"));
        Assert.All(before, r => Assert.True(r.ExitCode == ExitCodes.Ok, r.Output));
        var paidBefore = _server.Requests.Count;
        // The victim's first 5 requests are answered; from the 6th on, answers wait (until it has been killed), so it
        // is killed in the middle of its documents with its requests in flight, however loaded the machine is.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Responder = request => request.Number > paidBefore + 5
            ? Reply.Answer(request.DefaultAnswer()) with { Hold = gate.Task }
            : Reply.Answer(request.DefaultAnswer());

        using (var victim = StanceProcess.Start(ShardArgs(3, "a1"), ShardEnvironment(1)))
        {
            var drained = victim.StandardOutput.ReadToEndAsync();
            await Eventually.WaitUntil(() => _server.Requests.Count >= paidBefore + 5 + Concurrency || victim.HasExited,
                TimeSpan.FromMinutes(1));
            Assert.False(victim.HasExited, await (victim.HasExited ? drained : Task.FromResult("")));
            victim.Kill(entireProcessTree: true);
            await victim.WaitForExitAsync();
            await drained;
        }

        gate.SetResult();
        var paidByVictim = _server.Requests.Count - paidBefore;
        // The same index on another node, at once: an empty state folder and journal; it waits out the killed one's
        // lock by itself.
        var (exit, output) = await ShardAsync(3, 1, "a1-again");

        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Contains("committed from 3 shards", output, StringComparison.Ordinal);
        Assert.True(_server.Requests.Count - Paragraphs <= Concurrency,
            $"paid twice {_server.Requests.Count - Paragraphs} times (the victim had paid {paidByVictim}); " +
            $"at most {Concurrency} requests were in flight");
        var manifest = Assert.Single(await ManifestsAsync());
        Assert.Equal(3, manifest.Shards!.Count);
        await AssertEachParagraphOnceAsync();
        Assert.Equal(0, await PendingUploadsAsync());
    }

    [SkippableFact]
    public async Task FourShardsOneNightAndThreeTheNextOnFreshDisksMakeNoCallForTheUnchangedInput()
    {
        SkipIfUnavailable();
        var night1 = await Task.WhenAll(Enumerable.Range(0, 4).Select(k => ShardAsync(4, k, $"n1-{k}")));
        Assert.All(night1, r => Assert.True(r.ExitCode == ExitCodes.Ok, r.Output));
        Assert.Equal(Paragraphs, _server.Requests.Count);

        // The same date and default run name, another shard count: a new run over the committed one, every pod's
        // disk empty: only the journal's copy next to the dataset is known.
        var night2 = await Task.WhenAll(Enumerable.Range(0, 3).Select(k => ShardAsync(3, k, $"n2-{k}")));

        Assert.All(night2, r => Assert.True(r.ExitCode == ExitCodes.Ok, r.Output));
        Assert.Equal(Paragraphs, _server.Requests.Count);
        var manifests = await ManifestsAsync();
        Assert.Equal(2, manifests.Count);
        var second = manifests.Single(m => m.Shards!.Count == 3);
        Assert.Equal((Paragraphs, 0), (second.Counts.FromCache, second.Counts.Requests));
        await AssertEachParagraphOnceAsync();
    }

    private protected string[] ShardArgs(int shards, string disk) =>
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
        "--endpoint", _server.Endpoint, "--model", "shard-model",
        "--concurrency", Concurrency.ToString(CultureInfo.InvariantCulture),
        "--shards", shards.ToString(CultureInfo.InvariantCulture), "--Stance:RowsPerPart=10",
        "--Stance:Journal=" + Path.Combine(Root, "disks", disk, "journal.db"),
        "--Stance:Storage:StateFolder=" + Path.Combine(Root, "disks", disk, "state"),
        "--Stance:Storage:LockTtl=00:00:08",
    ];

    private protected Dictionary<string, string> ShardEnvironment(int index) => new(Environment)
    {
        ["OPENAI_API_KEY"] = "test-key",
        [ShardOptions.CompletionIndexVariable] = index.ToString(CultureInfo.InvariantCulture),
    };

    private protected Task<(int ExitCode, string Output)> ShardAsync(int shards, int index, string disk) =>
        StanceProcess.RunAsync(ShardArgs(shards, disk), TimeSpan.FromMinutes(2), ShardEnvironment(index));

    private async Task<List<string>> KeysAsync() =>
        [.. (await Dataset.ListAsync(string.Empty, CancellationToken.None)).Select(o => o.Key)];

    private async Task<List<string>> PartsAsync() =>
        [.. (await KeysAsync()).Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)
            && !k.StartsWith(".stance/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private protected async Task<List<RunManifest>> ManifestsAsync()
    {
        var manifests = new List<RunManifest>();
        foreach (var key in (await KeysAsync()).Where(k => k.StartsWith("runs/", StringComparison.Ordinal)
            && k.EndsWith(".json", StringComparison.Ordinal)))
        {
            var local = Path.Combine(Root, "manifests", key);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await using (var file = File.Create(local))
            {
                Assert.True(await Dataset.DownloadAsync(key, file, CancellationToken.None));
            }

            manifests.Add(RunManifest.Read(local));
        }

        return manifests;
    }

    // Every visible part, downloaded through the store and read with DuckDB: its rows and distinct paragraphs.
    private protected async Task<(long Rows, long Ids)> RowsAsync()
    {
        var copy = Path.Combine(Root, $"copy-{Guid.NewGuid():N}");
        foreach (var key in (await PartsAsync()).Where(k => k.StartsWith("paragraphs/", StringComparison.Ordinal)))
        {
            var local = Path.Combine(copy, key);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await using var file = File.Create(local);
            Assert.True(await Dataset.DownloadAsync(key, file, CancellationToken.None));
        }

        var row = DuckDb.Query("SELECT count(*) AS n, count(DISTINCT paragraph_id) AS ids " +
            $"FROM {DuckDb.Table(copy, "paragraphs")}")[0];
        return ((long)row["n"]!, (long)row["ids"]!);
    }

    // Each paragraph of the input once.
    private protected async Task AssertEachParagraphOnceAsync() =>
        Assert.Equal(((long)Paragraphs, (long)Paragraphs), await RowsAsync());
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Stance.Hosting;
using Stance.Output;
using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Output.Objects;

/// <summary>The job as a child process writing to an object store emulator (issue #15), as a user runs it: the
/// dataset reads back whole, the manifest lists exactly the committed parts, a SIGKILL at any step of the commit is
/// rolled forward by the next run on an empty disk, two runs at once commit once, a new machine makes no call for
/// unchanged paragraphs, and no secret is written anywhere. Each test works under a prefix of its own.</summary>
public abstract class ObjectOutputContract : IAsyncLifetime
{
    private protected const int Paragraphs = 36;
    private const int RowsPerPart = 10;

    private readonly string _prefix = $"t-{Guid.NewGuid():N}"[..14];
    private OpenAiTestServer _server = null!;
    private TempFolder _folder = null!;

    private protected string Input => Path.Combine(_folder.Path, "in");

    private protected string Prefix => _prefix;

    /// <summary>The location a user types for <paramref name="prefix"/> in the emulator's container.</summary>
    private protected abstract string Url(string prefix);

    /// <summary>A location in a bucket or container that does not exist.</summary>
    private protected abstract string MissingContainerUrl { get; }

    /// <summary>The store at <paramref name="prefix"/>, to look at what the job left.</summary>
    private protected abstract IObjectStore Store(string prefix);

    /// <summary>What a child process needs to reach the emulator through the SDK's standard chain.</summary>
    private protected abstract IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The secret in <see cref="Environment"/> that must appear nowhere the job writes.</summary>
    private protected abstract string Secret { get; }

    /// <summary>Skips the test (with the reason) when the emulator cannot run here.</summary>
    private protected abstract void SkipIfUnavailable();

    /// <summary>The uploads under <paramref name="prefix"/> neither completed nor aborted, asked of the emulator
    /// directly.</summary>
    private protected abstract Task<IReadOnlyList<string>> PendingUploadsAsync(string prefix);

    public async Task InitializeAsync()
    {
        _server = await OpenAiTestServer.StartAsync();
        _folder = new TempFolder();
        Corpus.Write(Input, Paragraphs, perDocument: 6);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [SkippableFact]
    public async Task ARunWritesTheTablesManifestAndReportThatReadBackWithDuckDb()
    {
        SkipIfUnavailable();

        var (exit, output) = await RunAsync("state-a");

        Assert.True(exit == ExitCodes.Ok, output);
        var keys = await KeysAsync();
        Assert.Contains(keys, k => k.StartsWith("paragraphs/run_date=", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("targets/run_date=", StringComparison.Ordinal));
        Assert.Single(keys, k => k.StartsWith("runs/", StringComparison.Ordinal) && k.EndsWith(".report.html",
            StringComparison.Ordinal));
        Assert.DoesNotContain(ObjectLock.Key, keys);
        Assert.DoesNotContain(ObjectDataset.CommitRecord, keys);
        Assert.Contains(keys, k => k.StartsWith(Stance.Journal.JournalReplica.Folder, StringComparison.Ordinal));
        var manifest = await ManifestAsync();
        Assert.Equal(Parquet(keys), manifest.Files.Concat(manifest.KeptFiles).Order(StringComparer.Ordinal));
        Assert.Equal(Paragraphs, manifest.Counts.Ok);
        await AssertEachParagraphOnceAsync();
        Assert.Empty(await PendingUploadsAsync(Prefix));
    }

    [SkippableFact]
    public async Task ANewMachinePointedAtYesterdaysOutputMakesNoCallOnAnUnchangedRerun()
    {
        SkipIfUnavailable();
        var (first, firstOutput) = await RunAsync("state-a");
        Assert.True(first == ExitCodes.Ok, firstOutput);
        var calls = _server.Requests.Count;
        Assert.Equal(Paragraphs, calls);

        // An empty state folder and a journal path never used: only what was saved next to the dataset is known.
        var (second, secondOutput) = await RunAsync(
            "state-b", $"--Stance:Journal={Path.Combine(_folder.Path, "fresh", "journal.db")}");

        Assert.True(second == ExitCodes.Ok, secondOutput);
        Assert.Equal(calls, _server.Requests.Count);
        var manifest = await ManifestAsync(latest: true);
        Assert.Equal((Paragraphs, 0), (manifest.Counts.FromCache, manifest.Counts.Requests));
        await AssertEachParagraphOnceAsync();
    }

    [SkippableTheory]
    [InlineData("parts-staged")] // staged uploads no record names: aborted
    [InlineData("commit-step:2")] // the record written, old parts being deleted: rolled forward
    [InlineData("commit-step:15")] // (12 old parts deleted) new parts being completed: the rest completed
    [InlineData("before-manifest")] // committed, no manifest: the run resumed, its manifest written
    public async Task AKillDuringTheCommitIsRolledForwardByTheNextRunOnAnEmptyDisk(string point)
    {
        SkipIfUnavailable();
        var (first, firstOutput) = await RunAsync("state-a");
        Assert.True(first == ExitCodes.Ok, firstOutput);

        // The second run replaces the first's parts (Stance:Output:Replace=date): killed at the step, on its disk.
        await KillAtAsync(point, "state-b", "--Stance:Output:Replace=date", "--no-cache");
        await AssertNoParagraphTwiceAsync();
        Assert.Equal(point.StartsWith("commit-step", StringComparison.Ordinal),
            (await KeysAsync()).Contains(ObjectDataset.CommitRecord));
        // Killed before every upload was completed, some are pending: the next run must complete or abort them.
        Assert.Equal(point != "before-manifest", (await PendingUploadsAsync(Prefix)).Count > 0);

        // Killed before its manifest: the committed parts are there, the killed run's manifest and report are not.
        Assert.Equal(1, (await KeysAsync()).Count(k => k.StartsWith("runs/", StringComparison.Ordinal)
            && k.EndsWith(".json", StringComparison.Ordinal)));
        Assert.Equal(1, (await KeysAsync()).Count(k => k.EndsWith(".report.html", StringComparison.Ordinal)));

        // A new machine: its own empty state folder; it waits out the killed run's lock, then rolls forward, and
        // resumes the killed run from the answers saved next to the dataset without paying for them again.
        await WaitForLockExpiryAsync();
        var paid = _server.Requests.Count;
        var (third, thirdOutput) = await RunAsync("state-c", "--Stance:Output:Replace=date");

        Assert.True(third == ExitCodes.Ok, thirdOutput);
        Assert.Equal(paid, _server.Requests.Count);
        await AssertEachParagraphOnceAsync();
        var keys = await KeysAsync();
        Assert.DoesNotContain(ObjectDataset.CommitRecord, keys);
        Assert.DoesNotContain(ObjectLock.Key, keys);
        Assert.Empty(await PendingUploadsAsync(Prefix));
        var manifest = await ManifestAsync(latest: true);
        Assert.Equal(Parquet(keys), manifest.Files.Concat(manifest.KeptFiles).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task AnEvaluationCommitsItsEvalTableToTheStoreAndNoLocalFolderNamedAfterTheScheme()
    {
        SkipIfUnavailable();
        var gold = Path.Combine(RepoPaths.Data, "gold", "stance-gold.jsonl");

        var (exit, output) = await StanceProcess.RunAsync(
            ["--eval", gold, "--output", Url(Prefix), "--prompts", RepoPaths.Prompts,
                "--Stance:Storage:StateFolder=" + State("eval")],
            TimeSpan.FromMinutes(2),
            ChildEnvironment());

        Assert.True(exit == ExitCodes.Ok, output);
        var part = Assert.Single(await KeysAsync(), k => k.EndsWith(".parquet", StringComparison.Ordinal));
        Assert.StartsWith("eval/run_date=", part, StringComparison.Ordinal);
        var scheme = Url(Prefix)[..Url(Prefix).IndexOf(':', StringComparison.Ordinal)];
        Assert.False(Directory.Exists(Path.Combine(RepoPaths.Root, scheme + ":")));
    }

    [SkippableFact]
    public async Task ADryRunOnANewMachineCountsTheAnswersSavedNextToTheDatasetAsReused()
    {
        SkipIfUnavailable();
        var (first, firstOutput) = await RunAsync("state-a");
        Assert.True(first == ExitCodes.Ok, firstOutput);

        var (exit, output) = await RunAsync("state-b", "--dry-run");

        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Contains($"{Paragraphs} cache hits, 0 calls", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task TwoRunsOfTheSameDateStartedAtOnceCommitOnce()
    {
        SkipIfUnavailable();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Responder = request => Reply.Answer(request.DefaultAnswer()) with { Hold = release.Task };

        // Both start together; the winner waits for its answers until the loser has stopped.
        var a = RunAsync("state-a");
        var b = RunAsync("state-b");
        var loser = await Task.WhenAny(a, b);
        release.SetResult();
        var winner = loser == a ? b : a;
        var (loserExit, loserOutput) = await loser;
        var (winnerExit, winnerOutput) = await winner;

        Assert.True(loserExit == ExitCodes.OutputLocked, loserOutput);
        Assert.Contains("is in use by another run", loserOutput, StringComparison.Ordinal);
        Assert.True(winnerExit == ExitCodes.Ok, winnerOutput);
        Assert.Single(await KeysAsync(), k => k.StartsWith("runs/", StringComparison.Ordinal)
            && k.EndsWith(".json", StringComparison.Ordinal));
        await AssertEachParagraphOnceAsync();
    }

    [SkippableFact]
    public async Task TheInputIsReadFromTheStoreWithTheSameDocumentRules()
    {
        SkipIfUnavailable();
        var input = Store($"{Prefix}-in");
        foreach (var file in Directory.EnumerateFiles(Input))
        {
            await using var stream = File.OpenRead(file);
            await input.PutAsync(Path.GetFileName(file), stream, WriteCondition.None, CancellationToken.None);
        }

        await input.PutAsync("notes/empty.md", new MemoryStream(), WriteCondition.None, CancellationToken.None);
        var (exit, output) = await RunAsync("state-a", "--input", Url($"{Prefix}-in"));

        // The empty document is reported and skipped, as it is in a local folder: the run completes with a failure.
        Assert.True(exit == ExitCodes.CompletedWithFailures, output);
        await AssertEachParagraphOnceAsync();
        var manifest = await ManifestAsync();
        Assert.Equal(Directory.GetFiles(Input).Length + 1, manifest.Counts.Documents);
        Assert.Equal("notes/empty.md", Assert.Single(manifest.BadDocuments).Path);
    }

    [SkippableFact]
    public async Task TheStoresSecretAppearsInNoLogRowManifestReportOrJournalCopy()
    {
        SkipIfUnavailable();

        var (exit, output) = await RunAsync("state-a");

        Assert.True(exit == ExitCodes.Ok, output);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
        var store = Store(Prefix);
        foreach (var key in await KeysAsync())
        {
            using var content = new MemoryStream();
            Assert.True(await store.DownloadAsync(key, content, CancellationToken.None));
            Assert.False(
                Encoding.UTF8.GetString(content.ToArray()).Contains(Secret, StringComparison.Ordinal),
                $"the secret is in {key}");
        }

        foreach (var file in Directory.EnumerateFiles(State("state-a"), "*", SearchOption.AllDirectories))
        {
            Assert.False(File.ReadAllText(file).Contains(Secret, StringComparison.Ordinal), $"the secret is in {file}");
        }
    }

    [SkippableFact]
    public async Task AStoreThatRefusesTheRunStopsItWithExit8NamingTheLocationAndNoSecret()
    {
        SkipIfUnavailable();
        var args = Args("state-a").ToList();
        args[args.IndexOf("--output") + 1] = MissingContainerUrl;

        var (exit, output) = await StanceProcess.RunAsync([.. args], TimeSpan.FromMinutes(2), ChildEnvironment());

        Assert.True(exit == ExitCodes.OutputFailed, output);
        Assert.Contains(MissingContainerUrl[..MissingContainerUrl.LastIndexOf('/')], output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    private protected string State(string name) => Path.Combine(_folder.Path, name);

    private string[] Args(string state, params string[] extra) =>
    [
        "--input", Input, "--output", Url(Prefix), "--prompts", RepoPaths.Prompts, "--provider", "openai",
        "--endpoint", _server.Endpoint, "--model", "store-model", "--concurrency", "2",
        "--Stance:RowsPerPart=" + RowsPerPart.ToString(CultureInfo.InvariantCulture),
        "--Stance:Storage:StateFolder=" + State(state), "--Stance:Storage:LockTtl=00:00:05", .. extra,
    ];

    private protected Dictionary<string, string> ChildEnvironment(string? hold = null)
    {
        var environment = new Dictionary<string, string>(Environment) { ["OPENAI_API_KEY"] = "test-key" };
        if (hold is not null)
        {
            environment["STANCE_TEST_HOLD"] = hold;
        }

        return environment;
    }

    private protected Task<(int ExitCode, string Output)> RunAsync(string state, params string[] extra)
    {
        // "--input URL" given as extra replaces the local input.
        var args = Args(state, extra).ToList();
        var inputs = args.Select((a, i) => (a, i)).Where(p => p.a == "--input").Select(p => p.i).ToList();
        if (inputs.Count == 2)
        {
            args.RemoveRange(inputs[0], 2);
        }

        return StanceProcess.RunAsync([.. args], TimeSpan.FromMinutes(2), ChildEnvironment());
    }

    private Task KillAtAsync(string point, string state, params string[] extra) =>
        StanceProcess.KillWhenHeldAsync(
            Args(state, extra), ChildEnvironment(point), Path.Combine(State(state), "held"));

    private async Task WaitForLockExpiryAsync()
    {
        using var content = new MemoryStream();
        if (!await Store(Prefix).DownloadAsync(ObjectLock.Key, content, CancellationToken.None))
        {
            return;
        }

        var expires = JsonDocument.Parse(content.ToArray()).RootElement.GetProperty("ExpiresAt").GetDateTimeOffset();
        await Eventually.WaitUntil(() => DateTimeOffset.UtcNow > expires.AddMilliseconds(200),
            TimeSpan.FromSeconds(30));
    }

    private async Task<List<string>> KeysAsync() =>
        [.. (await Store(Prefix).ListAsync(string.Empty, CancellationToken.None)).Select(o => o.Key)];

    private static IEnumerable<string> Parquet(IEnumerable<string> keys) =>
        keys.Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    private async Task<RunManifest> ManifestAsync(bool latest = false)
    {
        var keys = (await KeysAsync())
            .Where(k => k.StartsWith("runs/", StringComparison.Ordinal)
                && k.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var key = latest ? keys[^1] : Assert.Single(keys);
        var local = Path.Combine(_folder.Path, "manifests", key);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        await using (var file = File.Create(local))
        {
            Assert.True(await Store(Prefix).DownloadAsync(key, file, CancellationToken.None));
        }

        return RunManifest.Read(local);
    }

    // Every visible part, downloaded through the SDK and read with DuckDB.
    private async Task<(long Rows, long Ids)> VisibleRowsAsync()
    {
        var copy = Path.Combine(_folder.Path, $"copy-{Guid.NewGuid():N}");
        var store = Store(Prefix);
        var parts = Parquet(await KeysAsync()).Where(k => k.StartsWith("paragraphs/", StringComparison.Ordinal));
        foreach (var key in parts)
        {
            var local = Path.Combine(copy, key);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await using var file = File.Create(local);
            Assert.True(await store.DownloadAsync(key, file, CancellationToken.None));
        }

        if (!Directory.Exists(copy))
        {
            return (0, 0);
        }

        var row = DuckDb.Query(
            $"SELECT count(*) AS n, count(DISTINCT paragraph_id) AS ids FROM {DuckDb.Table(copy, "paragraphs")}")[0];
        return ((long)row["n"]!, (long)row["ids"]!);
    }

    private async Task AssertEachParagraphOnceAsync() =>
        Assert.Equal(((long)Paragraphs, (long)Paragraphs), await VisibleRowsAsync());

    private async Task AssertNoParagraphTwiceAsync()
    {
        var (rows, ids) = await VisibleRowsAsync();
        Assert.Equal(ids, rows);
    }
}

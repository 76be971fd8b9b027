using Microsoft.Extensions.DependencyInjection;
using Stance.Hosting;
using Stance.Output;
using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Output.Objects;

/// <summary>A store that fails mid-commit stops the run with a message naming it (exit 8), shows a reader no partial
/// or doubled data, keeps every paid answer, and the next run finishes the commit without paying again.</summary>
public sealed class ObjectOutputFailureTests : IAsyncLifetime
{
    private const int Paragraphs = 24;
    private readonly MemoryObjectStore _store = new();
    private OpenAiTestServer _server = null!;
    private TempFolder _folder = null!;

    public async Task InitializeAsync()
    {
        _server = await OpenAiTestServer.StartAsync();
        _folder = new TempFolder();
        Corpus.Write(Path.Combine(_folder.Path, "in"), Paragraphs, perDocument: 6);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task AStoreFailingMidCommitStopsTheRunNamingItAndTheNextRunFinishesWithoutPayingAgain()
    {
        // The commit's third step (completing the third part) fails: the store went down mid-commit. The lock's own
        // writes still work, so the lock is released and the next run needs no wait.
        var steps = 0;
        _store.OnWrite = what =>
        {
            var commitStep = what.StartsWith("delete paragraphs/", StringComparison.Ordinal)
                || what.StartsWith("delete targets/", StringComparison.Ordinal)
                || what.StartsWith("complete ", StringComparison.Ordinal);
            if (commitStep && ++steps == 3)
            {
                throw new ObjectStoreException($"{_store.Location}/{what}: the store is down (test)");
            }
        };
        var failed = await RunAsync();

        Assert.Equal(ExitCodes.OutputFailed, failed.ExitCode);
        Assert.Contains("the store is down (test)", failed.LogText, StringComparison.Ordinal);
        Assert.Contains(ObjectDataset.CommitRecord, _store.Keys);
        Assert.Equal(2, _store.Keys.Count(k => k.EndsWith(".parquet", StringComparison.Ordinal)));
        Assert.DoesNotContain(_store.Keys, k => k.StartsWith("runs/", StringComparison.Ordinal));
        Assert.Equal(Paragraphs, _server.Requests.Count);
        await AssertNoParagraphTwiceAsync();

        _store.OnWrite = null;
        var next = await RunAsync();

        Assert.True(next.ExitCode == ExitCodes.Ok, next.LogText);
        Assert.Equal(Paragraphs, _server.Requests.Count);
        Assert.DoesNotContain(ObjectDataset.CommitRecord, _store.Keys);
        Assert.Empty(await _store.ListPendingAsync(string.Empty, default));
        Assert.Contains(_store.Keys, k => k.StartsWith("runs/", StringComparison.Ordinal));
    }

    private async Task AssertNoParagraphTwiceAsync()
    {
        using var copy = new TempFolder();
        foreach (var key in _store.Keys.Where(k => k.StartsWith("paragraphs/", StringComparison.Ordinal)))
        {
            var local = Path.Combine(copy.Path, key);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await using var file = File.Create(local);
            await _store.DownloadAsync(key, file, default);
        }

        if (Directory.Exists(Path.Combine(copy.Path, "paragraphs")))
        {
            var row = DuckDb.Query(
                "SELECT count(*) AS n, count(DISTINCT paragraph_id) AS ids " +
                $"FROM {DuckDb.Table(copy.Path, "paragraphs")}")[0];
            Assert.Equal(row["ids"], row["n"]);
        }
    }

    private Task<RunResult> RunAsync() => StanceRunner.RunAsync(
        [
            "--input", Path.Combine(_folder.Path, "in"), "--output", "s3://memory/stance", "--prompts",
            RepoPaths.Prompts, "--provider", "openai", "--endpoint", _server.Endpoint, "--model", "m",
            "--Stance:RowsPerPart=5", "--Stance:Storage:StateFolder=" + Path.Combine(_folder.Path, "state"),
            "--Stance:Llm:ApiKey=test-key",
        ],
        services => services.AddSingleton<IObjectStores>(new Stores(_store)));

    private sealed class Stores(IObjectStore store) : IObjectStores
    {
        public IObjectStore Open(ObjectLocation location) => store;
    }
}

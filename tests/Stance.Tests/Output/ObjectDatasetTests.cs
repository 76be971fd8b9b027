using Microsoft.Extensions.Logging.Abstractions;
using Stance.Journal;
using Stance.Output;
using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Output;

/// <summary>The object-store commit, step by step: old parts are gone before any new part appears, a commit stopped at
/// any step is rolled forward by the next run, and uploads no commit refers to are aborted.</summary>
public sealed class ObjectDatasetTests : IDisposable
{
    private static readonly RunStamp s_run =
        new("20261202T010000Z-bbbbbbbb", new DateOnly(2026, 12, 2), "openai", "m", "stance", "sha");

    private readonly TempFolder _state = new();
    private readonly MemoryObjectStore _store = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task EveryOldPartIsDeletedBeforeTheFirstNewPartAppears()
    {
        await WriteAsync(s_run with { RunId = "old" }, 25);
        _store.Log.Clear();

        await WriteAsync(s_run, 25);

        var steps = _store.Log.Where(s => s.StartsWith("delete paragraphs", StringComparison.Ordinal)
            || s.StartsWith("complete paragraphs", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, steps.Count(s => s.StartsWith("delete", StringComparison.Ordinal)));
        Assert.True(steps.FindLastIndex(s => s.StartsWith("delete", StringComparison.Ordinal))
            < steps.FindIndex(s => s.StartsWith("complete", StringComparison.Ordinal)));
        Assert.Equal(25, await RowsAsync());
    }

    [Theory]
    [InlineData(1)] // the commit record written, nothing applied
    [InlineData(3)] // some old parts deleted
    [InlineData(6)] // every old part deleted, some new parts completed
    public async Task ACommitStoppedAtAnyStepIsRolledForwardByTheNextRun(int stepsBeforeTheStop)
    {
        await WriteAsync(s_run with { RunId = "old" }, 25);
        var tables = ParquetOutput.Begin(Dataset(), s_run, 10, ReplaceMode.Date);
        await AddAsync(tables, 25);
        // 3 paragraph parts and an empty targets part are staged at the commit, then the commit's own steps.
        _store.FailAfter = 4 + stepsBeforeTheStop;

        await Assert.ThrowsAsync<ObjectStoreException>(() => tables.CommitAsync(default));
        _store.FailAfter = null;
        Assert.True(await RowsAsync() <= 25, "a reader saw old and new rows at once");

        await Dataset().RecoverAsync(default);

        Assert.DoesNotContain(ObjectDataset.CommitRecord, _store.Keys);
        Assert.Empty(await _store.ListPendingAsync(string.Empty, default));
        Assert.Equal(25, await RowsAsync());
        Assert.All(
            _store.Keys.Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)),
            k => Assert.Contains(s_run.RunId, k, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UploadsOfARunThatStoppedBeforeItsCommitAreAbortedAndNeverSeen()
    {
        await WriteAsync(s_run with { RunId = "old" }, 25);
        var tables = ParquetOutput.Begin(Dataset(), s_run, 10, ReplaceMode.Date);
        await AddAsync(tables, 25); // two parts staged, the commit never starts

        await Dataset().RecoverAsync(default);

        Assert.Empty(await _store.ListPendingAsync(string.Empty, default));
        Assert.Equal(25, await RowsAsync());
        Assert.All(
            _store.Keys.Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)),
            k => Assert.Contains("part-old-", k, StringComparison.Ordinal));
    }

    private ObjectDataset Dataset() => new(_store, _state.Path, NullLogger.Instance);

    private async Task WriteAsync(RunStamp run, int rows)
    {
        var tables = ParquetOutput.Begin(Dataset(), run, 10, ReplaceMode.Date);
        await AddAsync(tables, rows, run);
        await tables.CommitAsync(default);
    }

    private static async Task AddAsync(RunTables tables, int rows, RunStamp? run = null)
    {
        for (var i = 0; i < rows; i++)
        {
            await tables.AddParagraphAsync(Row((run ?? s_run).RunId, i), default);
        }
    }

    // The visible paragraph rows, read back with DuckDB from a download of every visible part.
    private async Task<long> RowsAsync()
    {
        using var copy = new TempFolder();
        foreach (var key in _store.Keys.Where(k => k.StartsWith("paragraphs/", StringComparison.Ordinal)
            && k.EndsWith(".parquet", StringComparison.Ordinal)))
        {
            var local = Path.Combine(copy.Path, key);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await using var file = File.Create(local);
            await _store.DownloadAsync(key, file, default);
        }

        if (!Directory.Exists(Path.Combine(copy.Path, "paragraphs")))
        {
            return 0;
        }

        var row = DuckDb.Query(
            "SELECT count(*) AS n, count(DISTINCT paragraph_id) AS ids " +
            $"FROM {DuckDb.Table(copy.Path, "paragraphs")}")[0];
        Assert.Equal(row["ids"], row["n"]);
        return (long)row["n"]!;
    }

    private static ParagraphRow Row(string runId, int i) => new()
    {
        RunId = runId, RunDate = s_run.RunDate, ScoredAt = DateTime.UtcNow, DocumentId = $"d{i / 5}",
        SourcePath = "d", ParagraphIndex = i % 5, ParagraphId = $"p{i}", TextSha256 = "t", Text = "x",
        Provider = "openai", Model = "m", PromptName = "stance", PromptSha256 = "sha", Status = "ok",
        FromCache = false, Attempts = 1,
    };
}

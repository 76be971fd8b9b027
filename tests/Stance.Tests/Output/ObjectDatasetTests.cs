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
    [InlineData(0)] // the commit record written, nothing applied
    [InlineData(2)] // two of the four old parts deleted
    [InlineData(5)] // every old part deleted, one new part completed
    public async Task ACommitStoppedAtAnyStepIsRolledForwardByTheNextRun(int stepsBeforeTheStop)
    {
        await WriteAsync(s_run with { RunId = "old" }, 25);
        var tables = ParquetOutput.Begin(Dataset(), s_run, 10, ReplaceMode.Date);
        await AddAsync(tables, 25);
        // The store fails once the commit record and that many of the commit's steps are written.
        var steps = -1;
        _store.OnWrite = what =>
        {
            if (what == $"put {ObjectDataset.CommitRecord}" || steps >= 0)
            {
                if (++steps > stepsBeforeTheStop)
                {
                    throw new ObjectStoreException($"memory://test: stopped at {what} (test)");
                }
            }
        };

        await Assert.ThrowsAsync<ObjectStoreException>(() => tables.CommitAsync(default));
        _store.OnWrite = null;
        Assert.Equal(
            4 - Math.Min(stepsBeforeTheStop, 4),
            _store.Keys.Count(k => k.Contains("part-old-", StringComparison.Ordinal)));
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

    [Fact]
    public async Task APartWhoseUploadIsGoneIsSkippedLoudlyAndDoesNotBlockEveryLaterRun()
    {
        await WriteAsync(s_run with { RunId = "old" }, 25);
        var tables = ParquetOutput.Begin(Dataset(), s_run, 10, ReplaceMode.Date);
        await AddAsync(tables, 25);
        _store.OnWrite = what =>
        {
            if (what.StartsWith("delete paragraphs", StringComparison.Ordinal))
            {
                throw new ObjectStoreException("memory://test: down (test)");
            }
        };
        await Assert.ThrowsAsync<ObjectStoreException>(() => tables.CommitAsync(default));
        _store.OnWrite = null;
        // A bucket lifecycle rule aborts one of the uploads the commit record names.
        await _store.AbortAsync((await _store.ListPendingAsync("paragraphs/", default))[0], default);

        await Dataset().RecoverAsync(default);

        Assert.DoesNotContain(ObjectDataset.CommitRecord, _store.Keys);
        Assert.Empty(await _store.ListPendingAsync(string.Empty, default));
        Assert.InRange(await RowsAsync(), 1, 24);
    }

    [Fact]
    public async Task AnUploadGoneDuringTheRunsOwnCommitFailsTheRunInsteadOfReportingItCommitted()
    {
        await WriteAsync(s_run with { RunId = "old" }, 25);
        var tables = ParquetOutput.Begin(Dataset(), s_run, 10, ReplaceMode.Date);
        await AddAsync(tables, 25);
        await _store.AbortAsync((await _store.ListPendingAsync("paragraphs/", default))[0], default);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => tables.CommitAsync(default));

        Assert.True(error.UploadGone);
        Assert.Contains(ObjectDataset.CommitRecord, _store.Keys);
    }

    [Fact]
    public async Task ARunWhoseLockIsLostMidCommitStopsBeforeTheNextStep()
    {
        await WriteAsync(s_run with { RunId = "old" }, 25);
        var checks = 0;
        var dataset = new ObjectDataset(_store, _state.Path, NullLogger.Instance, () =>
        {
            // The checks before the record and before the first delete pass; the lock is lost after that delete.
            if (++checks > 2)
            {
                throw new InvalidOperationException("the lock is lost (test)");
            }
        });
        var tables = ParquetOutput.Begin(dataset, s_run, 10, ReplaceMode.Date);
        await AddAsync(tables, 25);
        _store.Log.Clear();

        await Assert.ThrowsAsync<InvalidOperationException>(() => tables.CommitAsync(default));

        Assert.Single(_store.Log, s => s.StartsWith("delete", StringComparison.Ordinal));
        Assert.DoesNotContain(_store.Log, s => s.StartsWith("complete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARunThatLostItsLockStopsBeforeAnyStepOfItsCommit()
    {
        await WriteAsync(s_run with { RunId = "old" }, 25);
        var lost = false;
        var dataset = new ObjectDataset(_store, _state.Path, NullLogger.Instance, () =>
        {
            if (lost)
            {
                throw new InvalidOperationException("the lock is lost (test)");
            }
        });
        var tables = ParquetOutput.Begin(dataset, s_run, 10, ReplaceMode.Date);
        await AddAsync(tables, 25);
        lost = true;
        _store.Log.Clear();

        await Assert.ThrowsAsync<InvalidOperationException>(() => tables.CommitAsync(default));

        Assert.DoesNotContain(_store.Log, s => s.StartsWith("delete", StringComparison.Ordinal)
            || s.StartsWith("complete", StringComparison.Ordinal)
            || s.Contains("commit.json", StringComparison.Ordinal));
        Assert.Equal(25, await RowsAsync());
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

using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Stance.Storage.Objects;

namespace Stance.Journal;

/// <summary>Keeps the journal's answers next to a dataset on an object store, so that a machine with an empty disk
/// (a new pod) neither pays again for an answer an earlier run journaled nor loses a crashed run's paid
/// answers.</summary>
/// <remarks>
/// The journal itself stays a local SQLite file (an object store cannot host a database). What it adds is saved as
/// <em>segments</em> under <c>.stance/journal/</c>: small SQLite files holding the answers journaled since the last
/// segment (by rowid) and the runs table, written every <c>Stance:Storage:JournalSync</c> during a run and at its
/// end. A run first imports every segment and snapshot its local journal has not imported (<c>INSERT OR IGNORE</c>:
/// idempotent, the local answer wins). When segments pile up, a run that holds the dataset's lock replaces them by
/// one compacted snapshot (every answer and run). Why not rebuild the cache from the committed Parquet rows: a crashed
/// run's answers are not in any committed row, and the rows do not keep the raw answer the cache replays.
/// </remarks>
/// <param name="writer">Names this process's segments apart from other processes' saving at once (a shard's
/// index); null for the one process of an ordinary run.</param>
internal sealed partial class JournalReplica(
    IObjectStore store,
    string journalPath,
    ILogger logger,
    string? writer = null) : IDisposable
{
    /// <summary>Where segments and snapshots are kept, under the dataset's root.</summary>
    public const string Folder = ".stance/journal/";

    /// <summary>More segments than this are compacted into one snapshot at the end of a run.</summary>
    public const int CompactAfter = 24;

    private readonly SemaphoreSlim _saving = new(1, 1);
    private readonly Lock _group = new();
    private TaskCompletionSource? _nextSave;
    private Task _groupSaves = Task.CompletedTask;
    private bool _schemaReady;

    /// <summary>Imports every segment and snapshot the local journal has not imported yet; returns the number of
    /// answers added.</summary>
    public Task<int> RestoreAsync(CancellationToken cancellationToken) => RestoreAsync(again: true, cancellationToken);

    private async Task<int> RestoreAsync(bool again, CancellationToken cancellationToken)
    {
        using var connection = Open();
        // When everything local is already saved, the imported answers (which are saved already, elsewhere) must not
        // be saved again: the watermark moves past them. Otherwise it stays, and the unsaved local answers go out.
        var allSaved = LastSaved(connection) >= NewestRow(connection);
        var imported = Strings(connection, "SELECT key FROM replica_imported").ToHashSet(StringComparer.Ordinal);
        var saved = (await store.ListAsync(Folder, cancellationToken).ConfigureAwait(false))
            .Select(o => o.Key)
            .Where(key => !imported.Contains(key))
            .OrderBy(key => key.Contains("/snapshot-", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(key => key, StringComparer.Ordinal)
            .ToList();
        var added = 0;
        var compactedMeanwhile = false;
        foreach (var key in saved)
        {
            var file = Temporary();
            try
            {
                var stream = File.Create(file);
                await using (stream.ConfigureAwait(false))
                {
                    if (!await store.DownloadAsync(key, stream, cancellationToken).ConfigureAwait(false))
                    {
                        compactedMeanwhile = true; // its answers are in a snapshot, listed again below
                        continue;
                    }
                }

                added += Import(connection, file, key);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                File.Delete(file);
            }
        }

        if (compactedMeanwhile && again)
        {
            // A run compacted the files while this one read them (only a dry run restores without the lock).
            added += await RestoreAsync(again: false, cancellationToken).ConfigureAwait(false);
        }

        if (saved.Count > 0)
        {
            if (allSaved)
            {
                Execute(connection, $"INSERT OR REPLACE INTO replica_saved VALUES ('{Escape(store.Location)}', " +
                    $"{NewestRow(connection)});");
            }

            LogRestored(logger, added, saved.Count, store.Location);
        }

        return added;
    }

    /// <summary>Saves the answers journaled since the last save (and the runs table) as a new segment; nothing when
    /// there is no new answer and <paramref name="always"/> is false.</summary>
    public async Task SaveAsync(string runId, bool always, CancellationToken cancellationToken)
    {
        await _saving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = Open();
            var last = LastSaved(connection);
            var newest = NewestRow(connection);
            if (newest <= last && !always)
            {
                return;
            }

            var key = $"{Folder}segment-{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmssfff}-{runId}" +
                (writer is null ? ".db" : $"-{writer}-{Guid.NewGuid().ToString("N")[..8]}.db");
            var file = Temporary();
            try
            {
                Export(connection, file, $"rowid > {last} AND rowid <= {newest}");
                await UploadAsync(key, file, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(file);
            }

            Execute(connection, $"""
                INSERT OR REPLACE INTO replica_saved VALUES ('{Escape(store.Location)}', {newest});
                INSERT OR IGNORE INTO replica_imported VALUES ('{Escape(key)}');
                """);
            LogSaved(logger, newest - last, key);
        }
        finally
        {
            _saving.Release();
        }
    }

    /// <summary>Completes once a save that starts after this call has ended, so it holds every answer the journal
    /// committed before the call: a group commit, one segment for all the answers that arrive while the previous
    /// save is under way. A shard's worker waits for it before paying for its next answer, so a shard whose disk is
    /// lost pays again at most for the requests it had in flight.</summary>
    public Task SaveSoonAsync(string runId)
    {
        lock (_group)
        {
            if (_nextSave is { } queued)
            {
                return queued.Task; // not started yet: it will see this caller's answer
            }

            var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _nextSave = next;
            _groupSaves = _groupSaves.ContinueWith(
                _ => SaveGroupAsync(runId),
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default).Unwrap();
            return next.Task;
        }
    }

    private async Task SaveGroupAsync(string runId)
    {
        TaskCompletionSource group;
        lock (_group)
        {
            group = _nextSave!;
            _nextSave = null;
        }

        // A store's passing failure must not stop a shard whose answer is safe in its local journal: three more tries,
        // 1, 2 and 4 s apart, before the workers are told (and pay for nothing more).
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await SaveAsync(runId, always: false, CancellationToken.None).ConfigureAwait(false);
                group.SetResult();
                return;
            }
            catch (Exception ex) when (attempt < 3 && ex is IOException or SqliteException or HttpRequestException)
            {
                LogSaveRetried(logger, attempt + 1, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1 << attempt)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                group.SetException(ex);
                return;
            }
        }
    }

    /// <summary>Replaces the segments this writer saved for <paramref name="runId"/> (one per group commit) by one,
    /// so that a new machine and the run's committer read a few files, not one per answer.</summary>
    public async Task ConsolidateAsync(string runId, CancellationToken cancellationToken)
    {
        if (writer is null)
        {
            return;
        }

        var marker = $"-{runId}-{writer}-";
        var mine = (await store.ListAsync(Folder, cancellationToken).ConfigureAwait(false))
            .Select(o => o.Key)
            .Where(key => key.Contains(marker, StringComparison.Ordinal))
            .ToList();
        if (mine.Count <= 1)
        {
            return;
        }

        var key = $"{Folder}segment-{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmssfff}{marker}{Guid.NewGuid():N}.db";
        await ReplaceAsync(key, _ => $"run_id = '{Escape(runId)}'", mine, cancellationToken).ConfigureAwait(false);
    }

    // Sixteen deletes at a time: thousands of small files go in seconds, not minutes.
    private Task DeleteAllAsync(IEnumerable<string> keys, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            keys,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (key, ct) => await store.DeleteAsync(key, ct).ConfigureAwait(false));

    /// <summary>With more than <see cref="CompactAfter"/> segments, replaces every segment and snapshot by one
    /// snapshot of the local journal (which has imported them all). Only under the dataset's lock.</summary>
    public async Task CompactAsync(string runId, CancellationToken cancellationToken)
    {
        var saved = (await store.ListAsync(Folder, cancellationToken).ConfigureAwait(false))
            .Select(o => o.Key)
            .ToList();
        if (saved.Count(key => key.Contains("/segment-", StringComparison.Ordinal)) <= CompactAfter)
        {
            return;
        }

        await RestoreAsync(cancellationToken).ConfigureAwait(false);
        // Every answer and run, as a segment from the start: not the whole file (which also holds the batch ledger and
        // this machine's own bookkeeping).
        var key = $"{Folder}snapshot-{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmssfff}-{runId}.db";
        await ReplaceAsync(key, connection => $"rowid <= {NewestRow(connection)}", saved, cancellationToken)
            .ConfigureAwait(false);
    }

    // Uploads the answers the condition selects (and the runs table) as one file under the key, then deletes the
    // replaced files, whose answers it holds: a shard's consolidation and the committer's compaction alike.
    private async Task ReplaceAsync(
        string key,
        Func<SqliteConnection, string> where,
        List<string> replaced,
        CancellationToken cancellationToken)
    {
        var file = Temporary();
        try
        {
            using (var connection = Open())
            {
                Export(connection, file, where(connection));
            }

            await UploadAsync(key, file, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }

        using (var connection = Open())
        {
            Execute(connection, $"INSERT OR IGNORE INTO replica_imported VALUES ('{Escape(key)}');");
        }

        await DeleteAllAsync(replaced, cancellationToken).ConfigureAwait(false);
        LogCompacted(logger, replaced.Count, key);
    }

    /// <inheritdoc />
    public void Dispose() => _saving.Dispose();

    private async Task UploadAsync(string key, string file, CancellationToken cancellationToken)
    {
        SqliteConnection.ClearAllPools();
        var stream = File.OpenRead(file);
        await using (stream.ConfigureAwait(false))
        {
            await store.PutAsync(key, stream, WriteCondition.None, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Export(SqliteConnection connection, string file, string where) =>
        Execute(connection, $"""
            ATTACH DATABASE '{file.Replace("'", "''", StringComparison.Ordinal)}' AS segment;
            CREATE TABLE segment.answers AS SELECT * FROM main.answers WHERE {where};
            CREATE TABLE segment.runs AS SELECT * FROM main.runs;
            DETACH DATABASE segment;
            """);

    private static int Import(SqliteConnection connection, string file, string key)
    {
        Execute(connection, $"ATTACH DATABASE '{file.Replace("'", "''", StringComparison.Ordinal)}' AS saved;");
        try
        {
            using var transaction = connection.BeginTransaction();
            var columns = string.Join(", ", Shared(connection, "answers"));
            var added = Execute(
                connection,
                $"INSERT OR IGNORE INTO main.answers ({columns}) SELECT {columns} FROM saved.answers;",
                transaction);
            var runColumns = string.Join(", ", Shared(connection, "runs"));
            Execute(connection, $"""
                INSERT INTO main.runs ({runColumns}) SELECT {runColumns} FROM saved.runs WHERE true
                ON CONFLICT(run_id) DO UPDATE SET finished_at = coalesce(runs.finished_at, excluded.finished_at);
                INSERT OR IGNORE INTO replica_imported VALUES ('{Escape(key)}');
                """, transaction);
            transaction.Commit();
            return added;
        }
        finally
        {
            Execute(connection, "DETACH DATABASE saved;");
        }
    }

    // The columns both the local journal and the saved file have (a file from an older version lacks the newer ones).
    private static IEnumerable<string> Shared(SqliteConnection connection, string table)
    {
        var saved = Strings(connection, $"SELECT name FROM pragma_table_info('{table}', 'saved')")
            .ToHashSet(StringComparer.Ordinal);
        return Strings(connection, $"SELECT name FROM pragma_table_info('{table}', 'main')").Where(saved.Contains);
    }

    private SqliteConnection Open()
    {
        // The schema is the result store's; opening it once creates or upgrades it (not at every periodic save).
        if (!_schemaReady)
        {
            ResultStore.Open(journalPath).DisposeAsync().AsTask().GetAwaiter().GetResult();
            _schemaReady = true;
        }

        var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = journalPath, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, """
            PRAGMA busy_timeout = 60000;
            CREATE TABLE IF NOT EXISTS replica_imported (key TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS replica_saved (location TEXT PRIMARY KEY, last_rowid INTEGER NOT NULL);
            """);
        return connection;
    }

    private static long NewestRow(SqliteConnection connection) => Convert.ToInt64(
        Scalar(connection, "SELECT coalesce(max(rowid), 0) FROM answers"),
        CultureInfo.InvariantCulture);

        private long LastSaved(SqliteConnection connection) => Convert.ToInt64(
        Scalar(connection,
            $"SELECT coalesce(max(last_rowid), 0) FROM replica_saved WHERE location = '{Escape(store.Location)}'"),
        CultureInfo.InvariantCulture);

    private string Temporary()
    {
        var folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(journalPath))!, "replica");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $"{Guid.NewGuid():N}.db");
    }

    private static string Escape(string value) => value.Replace("'", "''", StringComparison.Ordinal);

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static int Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    [LoggerMessage(EventId = 140, Level = LogLevel.Information,
        Message = "Journal restored from {Location}: {Answers} answers added from {Files} saved files")]
    private static partial void LogRestored(ILogger logger, int answers, int files, string location);

    [LoggerMessage(EventId = 141, Level = LogLevel.Debug, Message = "Journal: {Answers} answers saved as {Key}")]
    private static partial void LogSaved(ILogger logger, long answers, string key);

    [LoggerMessage(EventId = 148, Level = LogLevel.Warning,
        Message = "Journal: saving the new answers next to the dataset failed (try {Attempt} of 4): {Reason}")]
    private static partial void LogSaveRetried(ILogger logger, int attempt, string reason);

    [LoggerMessage(EventId = 142, Level = LogLevel.Information,
        Message = "Journal: {Files} saved files compacted into {Key}")]
    private static partial void LogCompacted(ILogger logger, int files, string key);
}

using Microsoft.Data.Sqlite;
using Stance.Storage;

namespace Stance.Journal;

/// <summary>The journal's record of a run's provider batches, in the same SQLite file as the answers: each request
/// file part with the keys it holds, the uploaded file id and the created batch id (each written, with full fsync,
/// before the next step), the batch's last known status, and every line's result once downloaded. It is what lets a
/// run that was killed at any step attach to what it already submitted instead of submitting it again.</summary>
internal sealed partial class BatchLedger : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _path;
    private readonly Lock _lock = new();
    private SqliteTransaction? _part;
    private SqliteCommand? _addLine;
    private SqliteCommand? _result;

    private BatchLedger(string path, SqliteConnection connection)
    {
        _path = path;
        _connection = connection;
    }

    /// <summary>Opens the ledger in the journal at <paramref name="path"/> (creating its tables).</summary>
    public static BatchLedger Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = 60000;
            PRAGMA cache_size = -65536;
            CREATE TABLE IF NOT EXISTS batch_parts (
                run_id TEXT NOT NULL,
                part INTEGER NOT NULL,
                round INTEGER NOT NULL,
                lines INTEGER NOT NULL,
                bytes INTEGER NOT NULL,
                tokens INTEGER NOT NULL,
                local_path TEXT NOT NULL,
                file_id TEXT,
                batch_id TEXT,
                status TEXT NOT NULL,
                output_file_id TEXT,
                error_file_id TEXT,
                completed INTEGER NOT NULL DEFAULT 0,
                failed INTEGER NOT NULL DEFAULT 0,
                errors TEXT,
                ingested INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (run_id, part));
            CREATE TABLE IF NOT EXISTS batch_lines (
                run_id TEXT NOT NULL,
                cache_key TEXT NOT NULL,
                round INTEGER NOT NULL,
                part INTEGER NOT NULL,
                PRIMARY KEY (run_id, cache_key, round)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS batch_results (
                run_id TEXT NOT NULL,
                cache_key TEXT NOT NULL,
                round INTEGER NOT NULL,
                batch_id TEXT NOT NULL,
                status_code INTEGER,
                content TEXT,
                finish_reason TEXT,
                input_tokens INTEGER,
                output_tokens INTEGER,
                cached_tokens INTEGER,
                error_kind TEXT,
                error TEXT,
                PRIMARY KEY (run_id, cache_key));
            """;
        command.ExecuteNonQuery();
        return new BatchLedger(Path.GetFullPath(path), connection);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        AbandonPart();
        _result?.Dispose();
        _connection.Dispose();
    }

    private void Update(string runId, int part, string set, params object?[] values)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"UPDATE batch_parts SET {set} WHERE run_id = $run AND part = $part";
            command.Parameters.AddWithValue("$run", runId);
            command.Parameters.AddWithValue("$part", part);
            var names = "abcdef";
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.AddWithValue("$" + names[i], values[i] ?? DBNull.Value);
            }

            command.ExecuteNonQuery();
            Commit(transaction);
        }
    }

    private void Commit(SqliteTransaction transaction)
    {
        try
        {
            transaction.Commit();
        }
        catch (SqliteException ex)
        {
            throw new OutputWriteException(_path, ex);
        }
        finally
        {
            if (ReferenceEquals(transaction, _part))
            {
                _addLine?.Dispose();
                _addLine = null;
                _part.Dispose();
                _part = null;
            }
        }
    }

    private static string? Text(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

using System.Globalization;
using Microsoft.Data.Sqlite;
using Stance.Storage;

namespace Stance.Journal;

/// <summary>The journal's record of a run's provider batches, in the same SQLite file as the answers: each request
/// file part with the keys it holds, the uploaded file id and the created batch id (each written, with full fsync,
/// before the next step), the batch's last known status, and every line's result once downloaded. It is what lets a
/// run that was killed at any step attach to what it already submitted instead of submitting it again.</summary>
internal sealed class BatchLedger : IDisposable
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

    /// <summary>The parts of <paramref name="runId"/>, in order.</summary>
    public IReadOnlyList<BatchPart> Parts(string runId)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT part, round, lines, bytes, tokens, local_path, file_id, batch_id, status, output_file_id,
                    error_file_id, completed, failed, errors, ingested
                FROM batch_parts WHERE run_id = $run ORDER BY part
                """;
            command.Parameters.AddWithValue("$run", runId);
            using var reader = command.ExecuteReader();
            var parts = new List<BatchPart>();
            while (reader.Read())
            {
                parts.Add(new BatchPart(
                    runId,
                    reader.GetInt32(0),
                    reader.GetInt32(1),
                    reader.GetInt32(2),
                    reader.GetInt64(3),
                    reader.GetInt64(4),
                    reader.GetString(5),
                    Text(reader, 6),
                    Text(reader, 7),
                    reader.GetString(8),
                    Text(reader, 9),
                    Text(reader, 10),
                    reader.GetInt32(11),
                    reader.GetInt32(12),
                    Text(reader, 13),
                    reader.GetInt32(14) != 0));
            }

            return parts;
        }
    }

    /// <summary>The most recent run of this provider, model and prompt that has batch parts but has not finished,
    /// with its run date; null when there is none.</summary>
    public (string RunId, DateOnly RunDate)? OpenRun(string provider, string model, string promptSha256)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT r.run_id, r.run_date FROM runs r
                WHERE r.provider = $provider AND r.model = $model AND r.prompt_sha256 = $prompt
                    AND r.finished_at IS NULL AND EXISTS (SELECT 1 FROM batch_parts p WHERE p.run_id = r.run_id)
                ORDER BY r.started_at DESC LIMIT 1
                """;
            command.Parameters.AddWithValue("$provider", provider);
            command.Parameters.AddWithValue("$model", model);
            command.Parameters.AddWithValue("$prompt", promptSha256);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? (reader.GetString(0), DateOnly.Parse(reader.GetString(1), CultureInfo.InvariantCulture))
                : null;
        }
    }

    /// <summary>The unfinished runs of this provider, model and prompt that have batches not yet ended (for
    /// <c>--batch-cancel</c>).</summary>
    public IReadOnlyList<string> RunsWithOpenBatches(string provider, string model, string promptSha256)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"""
                SELECT DISTINCT p.run_id FROM batch_parts p JOIN runs r ON r.run_id = p.run_id
                WHERE r.finished_at IS NULL AND p.batch_id IS NOT NULL
                    AND p.status NOT IN ({string.Join(", ", BatchStatus.EndStatuses.Select(e => $"'{e}'"))})
                    AND r.provider = $provider AND r.model = $model AND r.prompt_sha256 = $prompt
                """;
            command.Parameters.AddWithValue("$provider", provider);
            command.Parameters.AddWithValue("$model", model);
            command.Parameters.AddWithValue("$prompt", promptSha256);
            using var reader = command.ExecuteReader();
            var runs = new List<string>();
            while (reader.Read())
            {
                runs.Add(reader.GetString(0));
            }

            return runs;
        }
    }

    /// <summary>Starts writing part <paramref name="part"/>: its keys are added with <see cref="TryAddLine"/> and
    /// become durable, with the part's row, at <see cref="CommitPart"/>.</summary>
    public void BeginPart()
    {
        lock (_lock)
        {
            _part = _connection.BeginTransaction();
            _addLine = _connection.CreateCommand();
            _addLine.Transaction = _part;
            _addLine.CommandText = "INSERT OR IGNORE INTO batch_lines VALUES ($run, $key, $round, $part)";
            _addLine.Parameters.Add("$run", SqliteType.Text);
            _addLine.Parameters.Add("$key", SqliteType.Text);
            _addLine.Parameters.Add("$round", SqliteType.Integer);
            _addLine.Parameters.Add("$part", SqliteType.Integer);
            _addLine.Prepare();
        }
    }

    /// <summary>Adds <paramref name="key"/> to the part being written; false when this run already submitted it in
    /// this round (a text twice is asked once; a resumed run does not submit a line again).</summary>
    public bool TryAddLine(string runId, string key, int round, int part)
    {
        lock (_lock)
        {
            var add = _addLine ?? throw new InvalidOperationException("no part is being written");
            add.Parameters[0].Value = runId;
            add.Parameters[1].Value = key;
            add.Parameters[2].Value = round;
            add.Parameters[3].Value = part;
            return add.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>Records the written part and commits it with its keys (durably, before it is uploaded).</summary>
    public void CommitPart(BatchPart part)
    {
        lock (_lock)
        {
            var transaction = _part ?? throw new InvalidOperationException("no part is being written");
            using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO batch_parts (run_id, part, round, lines, bytes, tokens, local_path, status)
                    VALUES ($run, $part, $round, $lines, $bytes, $tokens, $path, $status)
                    """;
                command.Parameters.AddWithValue("$run", part.RunId);
                command.Parameters.AddWithValue("$part", part.Part);
                command.Parameters.AddWithValue("$round", part.Round);
                command.Parameters.AddWithValue("$lines", part.Lines);
                command.Parameters.AddWithValue("$bytes", part.Bytes);
                command.Parameters.AddWithValue("$tokens", part.Tokens);
                command.Parameters.AddWithValue("$path", part.LocalPath);
                command.Parameters.AddWithValue("$status", part.Status);
                command.ExecuteNonQuery();
            }

            Commit(transaction);
        }
    }

    /// <summary>Abandons the part being written (its keys are not recorded).</summary>
    public void AbandonPart()
    {
        lock (_lock)
        {
            _addLine?.Dispose();
            _addLine = null;
            _part?.Rollback();
            _part?.Dispose();
            _part = null;
        }
    }

    /// <summary>Records the file the part was uploaded as.</summary>
    public void Uploaded(string runId, int part, string fileId) =>
        Update(runId, part, "file_id = $a, status = 'uploaded'", fileId);

    /// <summary>Records the batch created for the part.</summary>
    public void Created(string runId, int part, string batchId, string status) =>
        Update(runId, part, "batch_id = $a, status = $b", batchId, status);

    /// <summary>Records the batch's latest status and counts.</summary>
    public void Polled(string runId, int part, BatchStatus status) =>
        Update(
            runId,
            part,
            "status = $a, output_file_id = $b, error_file_id = $c, completed = $d, failed = $e, errors = $f",
            status.Status,
            status.OutputFileId,
            status.ErrorFileId,
            status.Completed,
            status.Failed,
            status.Errors);

    /// <summary>Records that every line of the part has its result in the ledger.</summary>
    public void Ingested(string runId, int part) => Update(runId, part, "ingested = 1");

    /// <summary>Forgets the keys of a part whose batch failed validation (so a later run submits them again) and
    /// marks it done.</summary>
    public void Release(string runId, int part)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                DELETE FROM batch_lines WHERE run_id = $run AND part = $part;
                UPDATE batch_parts SET ingested = 1 WHERE run_id = $run AND part = $part;
                """;
            command.Parameters.AddWithValue("$run", runId);
            command.Parameters.AddWithValue("$part", part);
            command.ExecuteNonQuery();
            Commit(transaction);
        }
    }

    /// <summary>Records that a part is not submitted because it would pass the budget: each of its lines gets a result
    /// of kind <see cref="Contract.FailureKind.Budget"/> (no batch, no status) and the part is done
    /// (status <see cref="BatchPart.NotSubmittedStatus"/>).</summary>
    public void NotSubmitted(string runId, int part, string reason)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT OR REPLACE INTO batch_results
                SELECT run_id, cache_key, round, '', NULL, NULL, NULL, NULL, NULL, NULL, $kind, $error
                FROM batch_lines WHERE run_id = $run AND part = $part;
                UPDATE batch_parts SET status = $status, ingested = 1 WHERE run_id = $run AND part = $part;
                """;
            command.Parameters.AddWithValue("$run", runId);
            command.Parameters.AddWithValue("$part", part);
            command.Parameters.AddWithValue("$kind", Contract.FailureKind.Budget);
            command.Parameters.AddWithValue("$error", reason);
            command.Parameters.AddWithValue("$status", BatchPart.NotSubmittedStatus);
            command.ExecuteNonQuery();
            Commit(transaction);
        }
    }

    /// <summary>The tokens the lines answered by batch <paramref name="batchId"/> reported: input, output and cached
    /// input.</summary>
    public (long Input, long Output, long CachedInput) Usage(string runId, string batchId)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
                    coalesce(sum(cached_tokens), 0)
                FROM batch_results WHERE run_id = $run AND batch_id = $batch
                """;
            command.Parameters.AddWithValue("$run", runId);
            command.Parameters.AddWithValue("$batch", batchId);
            using var reader = command.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    /// <summary>Records one line's result (idempotent: a later round's result replaces an earlier one's).</summary>
    public void AddResult(string runId, BatchLineResult result) => AddResults(runId, [result]);

    /// <summary>Records line results in one durable transaction.</summary>
    public void AddResults(string runId, IReadOnlyCollection<BatchLineResult> results)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT OR REPLACE INTO batch_results
                VALUES ($run, $key, $round, $batch, $status, $content, $finish, $in, $out, $cached, $kind, $error)
                """;
            foreach (var name in (string[])
                ["$run", "$key", "$round", "$batch", "$status", "$content", "$finish", "$in", "$out", "$cached",
                    "$kind", "$error"])
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            foreach (var r in results)
            {
                object?[] values =
                [
                    runId, r.Key, r.Round, r.BatchId, r.StatusCode, r.Content, r.FinishReason, r.InputTokens,
                    r.OutputTokens, r.CachedTokens, r.ErrorKind, r.Error,
                ];
                for (var i = 0; i < values.Length; i++)
                {
                    command.Parameters[i].Value = values[i] ?? DBNull.Value;
                }

                command.ExecuteNonQuery();
            }

            Commit(transaction);
        }
    }

    /// <summary>The keys of a part that have no result yet (lines a batch ended without answering).</summary>
    public IReadOnlyList<string> KeysWithoutResult(string runId, int part)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT l.cache_key FROM batch_lines l
                JOIN batch_parts p ON p.run_id = l.run_id AND p.part = l.part
                WHERE l.run_id = $run AND l.part = $part AND NOT EXISTS (
                    SELECT 1 FROM batch_results r
                    WHERE r.run_id = l.run_id AND r.cache_key = l.cache_key AND r.round >= p.round)
                """;
            command.Parameters.AddWithValue("$run", runId);
            command.Parameters.AddWithValue("$part", part);
            using var reader = command.ExecuteReader();
            var keys = new List<string>();
            while (reader.Read())
            {
                keys.Add(reader.GetString(0));
            }

            return keys;
        }
    }

    /// <summary>The result recorded for <paramref name="key"/> in <paramref name="runId"/>, or null.</summary>
    public BatchLineResult? Result(string runId, string key)
    {
        lock (_lock)
        {
            // Asked once per paragraph by a batch run's scoring pass: prepared once.
            if (_result is null)
            {
                _result = _connection.CreateCommand();
                _result.CommandText = """
                    SELECT round, batch_id, status_code, content, finish_reason, input_tokens, output_tokens,
                        cached_tokens, error_kind, error
                    FROM batch_results WHERE run_id = $run AND cache_key = $key
                    """;
                _result.Parameters.Add("$run", SqliteType.Text);
                _result.Parameters.Add("$key", SqliteType.Text);
                _result.Prepare();
            }

            _result.Transaction = _part; // a round's writing reads results inside the part being written
            _result.Parameters[0].Value = runId;
            _result.Parameters[1].Value = key;
            using var reader = _result.ExecuteReader();
            return reader.Read()
                ? new BatchLineResult(
                    key,
                    reader.GetInt32(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    Text(reader, 3),
                    Text(reader, 4),
                    reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetInt32(6),
                    reader.IsDBNull(7) ? null : reader.GetInt32(7),
                    Text(reader, 8),
                    Text(reader, 9))
                : null;
        }
    }

    /// <summary>True when <paramref name="key"/> was submitted by <paramref name="runId"/> in round
    /// <paramref name="round"/> or later.</summary>
    public bool Submitted(string runId, string key, int round)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT 1 FROM batch_lines WHERE run_id = $run AND cache_key = $key AND round >= $round LIMIT 1
                """;
            command.Parameters.AddWithValue("$run", runId);
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$round", round);
            return command.ExecuteScalar() is not null;
        }
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

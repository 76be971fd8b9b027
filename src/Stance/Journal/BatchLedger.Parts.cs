using Microsoft.Data.Sqlite;

namespace Stance.Journal;

/// <summary>The request file parts of a run: written with their keys (<see cref="BeginPart"/>,
/// <see cref="TryAddLine"/>, <see cref="CommitPart"/>), then each step of their batch recorded before the
/// next.</summary>
internal sealed partial class BatchLedger
{
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
}

using Microsoft.Data.Sqlite;

namespace Stance.Journal;

/// <summary>The lines of a run's batches: which keys were submitted, and each line's result once downloaded.</summary>
internal sealed partial class BatchLedger
{
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
}

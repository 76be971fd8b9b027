using System.Globalization;

namespace Stance.Journal;

/// <summary>Finding a provider's, model's and prompt's runs that have batch parts: the one to resume and the ones
/// whose batches have not ended.</summary>
internal sealed partial class BatchLedger
{
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
}

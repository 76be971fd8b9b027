using System.Text.Json;
using Stance.Journal;

namespace Stance.Scoring.Batch;

/// <summary>The fields of a provider's batch object that the job reads.</summary>
internal sealed record BatchInfo(
    string Id,
    string Status,
    string? InputFileId,
    string? OutputFileId,
    string? ErrorFileId,
    int Total,
    int Completed,
    int Failed,
    string? Errors,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset? ExpiresAt)
{
    /// <summary>True when the batch has ended and will change no more.</summary>
    public bool Ended => BatchStatus.IsEnd(Status);

    /// <summary>The status as the ledger records it.</summary>
    public BatchStatus ToStatus() => new(Status, OutputFileId, ErrorFileId, Total, Completed, Failed, Errors);

    /// <summary>Reads a batch object.</summary>
    public static BatchInfo Parse(JsonElement batch)
    {
        var counts = batch.TryGetProperty("request_counts", out var c) && c.ValueKind == JsonValueKind.Object
            ? c
            : default;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (batch.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in m.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String)
                {
                    metadata[entry.Name] = entry.Value.GetString()!;
                }
            }
        }

        var errors = batch.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
            ? e.GetRawText()
            : null;
        return new BatchInfo(
            batch.GetProperty("id").GetString()!,
            batch.GetProperty("status").GetString()!,
            Text(batch, "input_file_id"),
            Text(batch, "output_file_id"),
            Text(batch, "error_file_id"),
            Count(counts, "total"),
            Count(counts, "completed"),
            Count(counts, "failed"),
            errors,
            metadata,
            batch.TryGetProperty("expires_at", out var x) && x.ValueKind == JsonValueKind.Number
                ? DateTimeOffset.FromUnixTimeSeconds(x.GetInt64())
                : null);
    }

    /// <summary>The provider's validation errors of a failed batch, one line each (<c>line 3: code:
    /// message</c>).</summary>
    public static IReadOnlyList<string> ErrorLines(string? errors)
    {
        if (errors is null)
        {
            return [];
        }

        using var json = JsonDocument.Parse(errors);
        if (!json.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return [errors];
        }

        return
        [
            .. data.EnumerateArray().Select(error =>
                (error.TryGetProperty("line", out var line) && line.ValueKind == JsonValueKind.Number
                    ? $"line {line.GetInt32()}: "
                    : string.Empty)
                + $"{Text(error, "code")}: {Text(error, "message")}"),
        ];
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int Count(JsonElement counts, string name) =>
        counts.ValueKind == JsonValueKind.Object && counts.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.Number
            ? value.GetInt32()
            : 0;
}

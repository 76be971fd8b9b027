using System.Text.Json;
using Stance.Contract;
using Stance.Journal;

namespace Stance.Scoring.Batch;

/// <summary>Reads one line of a batch's output or error file.</summary>
internal static class BatchOutputLine
{
    /// <summary>The line's result: the answer's content for status 200, else why there is none.</summary>
    public static BatchLineResult Parse(string line, int round, string batchId)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var key = root.GetProperty("custom_id").GetString()!;
        var response = root.TryGetProperty("response", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
        var status = response.ValueKind == JsonValueKind.Object && response.TryGetProperty("status_code", out var s)
            && s.ValueKind == JsonValueKind.Number
                ? s.GetInt32()
                : (int?)null;
        var body = response.ValueKind == JsonValueKind.Object && response.TryGetProperty("body", out var b)
            && b.ValueKind == JsonValueKind.Object
                ? b
                : default;
        if (status == 200 && body.ValueKind == JsonValueKind.Object)
        {
            var choice = body.GetProperty("choices")[0];
            var message = choice.GetProperty("message");
            var content = message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
                ? c.GetString()
                : null;
            var finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String
                ? f.GetString()
                : null;
            var usage = body.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
            return new BatchLineResult(key, round, batchId, status, content, finish, Int(usage, "prompt_tokens"),
                Int(usage, "completion_tokens"), CachedTokens(usage), null, null);
        }

        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        var code = Text(error, "code");
        var why = Text(error, "message")
            ?? (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var be)
                ? Text(be, "message")
                : null)
            ?? "no answer";
        var kind = code switch
        {
            "batch_expired" => FailureKind.BatchExpired,
            "batch_cancelled" => FailureKind.BatchCancelled,
            _ => FailureKind.BatchLineError,
        };
        var said = status is { } code2 ? $"status {code2}: {why}" : (code is null ? why : $"{code}: {why}");
        return new BatchLineResult(key, round, batchId, status, null, null, null, null, null, kind,
            $"batch {batchId} line {said}");
    }

    private static int? CachedTokens(JsonElement usage) =>
        usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("prompt_tokens_details", out var details)
            ? Int(details, "cached_tokens")
            : null;

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.Number
                ? value.GetInt32()
                : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
}

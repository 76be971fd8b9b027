using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Stance.Storage;

namespace Stance.Review;

/// <summary>What merging reviewed items into a gold file changed.</summary>
/// <param name="Added">Items whose id was not in the file.</param>
/// <param name="Relabelled">Items whose id was in the file with another label (the reviewer's label now).</param>
/// <param name="Unchanged">Items whose id was in the file with the same label (the line is kept as it was).</param>
internal sealed record GoldMerge(int Added, int Relabelled, int Unchanged);

/// <summary>The gold JSONL file <c>--eval</c> reads (<c>id</c>, <c>target</c>, <c>text</c>, <c>label</c> per line),
/// merged with reviewed items: deduplicated by id, the reviewer's label winning.</summary>
internal static class GoldFile
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Merges <paramref name="items"/> into the file at <paramref name="path"/> (created when absent) and
    /// rewrites it whole (a temporary file renamed into place). A line whose id is reviewed is replaced in place by
    /// the reviewed item (kept as it was when the label agrees); a later line with the same id is dropped; every
    /// other line keeps its text (line endings become \n); new ids are appended in the export's order.</summary>
    public static async Task<GoldMerge> MergeAsync(
        string path,
        IReadOnlyList<ReviewedItem> items,
        CancellationToken cancellationToken)
    {
        var reviewed = items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<string>();
        var (relabelled, unchanged) = (0, 0);
        var existing = File.Exists(path)
            ? await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false)
            : [];
        foreach (var line in existing)
        {
            if (IdAndLabel(line) is not { } known || !reviewed.TryGetValue(known.Id, out var item))
            {
                lines.Add(line);
                continue;
            }

            if (!seen.Add(known.Id))
            {
                continue; // a duplicate of an id already replaced
            }

            if (string.Equals(known.Label, item.Label, StringComparison.OrdinalIgnoreCase))
            {
                unchanged++;
                lines.Add(line);
            }
            else
            {
                relabelled++;
                lines.Add(Line(item));
            }
        }

        var added = 0;
        foreach (var item in items.Where(i => !seen.Contains(i.Id)))
        {
            added++;
            lines.Add(Line(item));
        }

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        await DurableFile.WriteTextAsync(path, text.ToString(), cancellationToken).ConfigureAwait(false);
        return new GoldMerge(added, relabelled, unchanged);
    }

    /// <summary>One gold line: the fields <c>--eval</c> reads, then where the item came from.</summary>
    internal static string Line(ReviewedItem item) => JsonSerializer.Serialize(
        new GoldLine(item.Id, item.Target, item.Text, item.Label, item.ParagraphId, item.DocumentId, item.RunDate,
            "review"),
        s_json);

    // The id and label of a gold line, or null when it is not a JSON object with a string id.
    private static (string Id, string? Label)? IdAndLabel(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? (id.GetString()!,
                    root.TryGetProperty("label", out var label) && label.ValueKind == JsonValueKind.String
                        ? label.GetString()!.Trim()
                        : null)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record GoldLine(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("target")] string Target,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("label")] string Label,
        [property: JsonPropertyName("paragraph_id")] string? ParagraphId,
        [property: JsonPropertyName("document_id")] string? DocumentId,
        [property: JsonPropertyName("run_date")] string? RunDate,
        [property: JsonPropertyName("source")] string Source);
}

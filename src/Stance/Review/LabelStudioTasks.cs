using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Stance.Review;

/// <summary>Writes review items as a Label Studio import file: a JSON array of tasks, each with its <c>data</c> (what
/// the labelling config shows, and the ids the import reads back) and the model's answer as a pre-annotation
/// (<c>predictions</c>), per Label Studio's "Import pre-annotated data" format.</summary>
internal static class LabelStudioTasks
{
    private static readonly JsonWriterOptions s_options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The model's stance as a reviewer's choice: favor and against as they are, neutral as none (the gold
    /// file's label for "no stance", as <c>--eval</c> reads an answer).</summary>
    public static string ChoiceOf(string stanceLabel) => stanceLabel is "favor" or "against" ? stanceLabel : "none";

    /// <summary>The <c>model_version</c> of a row's prediction: <c>&lt;provider&gt;/&lt;model&gt;/&lt;first 12 of
    /// the prompt's sha256&gt;</c>.</summary>
    public static string ModelVersion(ReviewTargetRow row) =>
        $"{row.Provider}/{row.Model}/{row.PromptSha256[..Math.Min(12, row.PromptSha256.Length)]}";

    /// <summary>The import file's text for <paramref name="items"/> of <paramref name="runDate"/>.</summary>
    public static string Render(IReadOnlyList<ReviewItem> items, DateOnly runDate)
    {
        var date = runDate.ToString(ReviewOptions.DateFormat, CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                Write(json, item, date);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Write(Utf8JsonWriter json, ReviewItem item, string date)
    {
        var row = item.Row;
        var choice = ChoiceOf(row.StanceLabel);
        json.WriteStartObject();
        json.WriteStartObject("data");
        json.WriteString("text", item.Paragraph?.Text ?? row.Evidence ?? "");
        json.WriteString("title", item.Paragraph?.DocumentTitle ?? row.DocumentId);
        json.WriteString("target", row.Target);
        json.WriteString("model_label", choice);
        json.WriteString("model_stance_label", row.StanceLabel);
        json.WriteNumber("model_stance_score", row.StanceScore);
        json.WriteNumber("model_confidence", row.Confidence);
        if (row.LabelProbability is { } probability)
        {
            json.WriteNumber("model_label_probability", probability);
        }

        json.WriteString("evidence", row.Evidence);
        json.WriteString("item_id", item.Id);
        json.WriteString("paragraph_id", row.ParagraphId);
        json.WriteString("document_id", row.DocumentId);
        json.WriteString("run_date", date);
        json.WriteString("reason", item.Reason);
        json.WriteEndObject();

        json.WriteStartArray("predictions");
        json.WriteStartObject();
        json.WriteString("model_version", ModelVersion(row));
        json.WriteNumber("score", row.Confidence);
        json.WriteStartArray("result");
        json.WriteStartObject();
        json.WriteString("id", ResultId(item.Id));
        json.WriteString("from_name", LabelConfig.ControlName);
        json.WriteString("to_name", LabelConfig.ObjectName);
        json.WriteString("type", "choices");
        json.WriteStartObject("value");
        json.WriteStartArray("choices");
        json.WriteStringValue(choice);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // Label Studio wants distinct ids for result items; the item's own, hashed short, is stable across exports.
    private static string ResultId(string itemId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(itemId)))[..10];
}

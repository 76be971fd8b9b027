using System.Globalization;
using System.Text.Json;

namespace Stance.Review;

/// <summary>What a Label Studio JSON export holds for the review: the items with a usable annotation, and how many
/// tasks had none.</summary>
/// <param name="Tasks">The tasks in the export.</param>
/// <param name="Items">One item per gold id, the reviewer's label.</param>
/// <param name="WithoutAnnotation">Tasks with no annotation at all.</param>
/// <param name="OnlyCancelled">Tasks whose every annotation was cancelled (skipped).</param>
/// <param name="WithoutChoice">Tasks whose annotations that were not cancelled picked no stance.</param>
internal sealed record LabelStudioExport(
    int Tasks,
    IReadOnlyList<ReviewedItem> Items,
    int WithoutAnnotation,
    int OnlyCancelled,
    int WithoutChoice)
{
    /// <summary>Tasks not written to the gold file.</summary>
    public int Unusable => WithoutAnnotation + OnlyCancelled + WithoutChoice;

    /// <summary>Reads Label Studio's JSON export (an array of tasks with <c>data</c> and <c>annotations</c>). Of a
    /// task's annotations, cancelled ones (<c>was_cancelled: true</c>) and those without a <c>stance</c> choice are
    /// skipped; of the rest the most recent by <c>updated_at</c> (else <c>created_at</c>) wins, the later in the
    /// array on a tie. Should two tasks carry one id, the more recent annotation wins. Throws
    /// <see cref="ReviewException"/> naming the first problem when the file is not such an export.</summary>
    public static LabelStudioExport Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new ReviewException($"the review export {path} is not JSON: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReviewException($"the review export {path} cannot be read: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ReviewException(
                    $"the review export {path} is not a Label Studio JSON export: it must be an array of tasks, " +
                    $"not a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()} (export the project " +
                    "as JSON, not JSON-MIN or CSV)");
            }

            var items = new Dictionary<string, ReviewedItem>(StringComparer.Ordinal);
            var (none, cancelled, noChoice, index) = (0, 0, 0, 0);
            foreach (var task in document.RootElement.EnumerateArray())
            {
                index++;
                var where = $"{path}: task {index}";
                var (item, outcome) = ReadTask(task, where);
                switch (outcome)
                {
                    case TaskOutcome.NoAnnotation:
                        none++;
                        break;
                    case TaskOutcome.OnlyCancelled:
                        cancelled++;
                        break;
                    case TaskOutcome.NoChoice:
                        noChoice++;
                        break;
                    default:
                        if (!items.TryGetValue(item!.Id, out var earlier) || item.At >= earlier.At)
                        {
                            items[item.Id] = item;
                        }

                        break;
                }
            }

            return new LabelStudioExport(index, [.. items.Values], none, cancelled, noChoice);
        }
    }

    private enum TaskOutcome
    {
        Reviewed,
        NoAnnotation,
        OnlyCancelled,
        NoChoice,
    }

    private static (ReviewedItem? Item, TaskOutcome Outcome) ReadTask(JsonElement task, string where)
    {
        if (task.ValueKind != JsonValueKind.Object)
        {
            throw new ReviewException($"{where} is not an object");
        }

        if (task.TryGetProperty("id", out var taskId) && taskId.ValueKind == JsonValueKind.Number)
        {
            where += $" (Label Studio id {taskId.GetRawText()})";
        }

        if (!task.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new ReviewException($"{where} has no \"data\" object");
        }

        var text = String(data, "text", where) ?? throw Missing("text");
        var target = String(data, "target", where) ?? throw Missing("target");
        var paragraphId = String(data, "paragraph_id", where);
        var id = String(data, "item_id", where)
            ?? (paragraphId is null
                ? throw new ReviewException(
                    $"{where}: data has neither \"item_id\" nor \"paragraph_id\": it was not exported by " +
                    "--export-review")
                : ReviewIds.Of(paragraphId, target));

        if (!task.TryGetProperty("annotations", out var annotations) || annotations.ValueKind == JsonValueKind.Null)
        {
            return (null, TaskOutcome.NoAnnotation);
        }

        if (annotations.ValueKind != JsonValueKind.Array)
        {
            throw new ReviewException($"{where}: \"annotations\" is not an array");
        }

        var (count, live) = (0, 0);
        (string Label, DateTimeOffset At)? best = null;
        foreach (var annotation in annotations.EnumerateArray())
        {
            count++;
            var at = $"{where}, annotation {count}";
            if (annotation.ValueKind != JsonValueKind.Object)
            {
                throw new ReviewException($"{at} is not an object");
            }

            if (annotation.TryGetProperty("was_cancelled", out var flag) && flag.ValueKind == JsonValueKind.True)
            {
                continue;
            }

            live++;
            var label = Choice(annotation, at);
            var time = Time(annotation, "updated_at", at)
                ?? Time(annotation, "created_at", at)
                ?? DateTimeOffset.MinValue;
            if (label is not null && (best is null || time >= best.Value.At))
            {
                best = (label, time);
            }
        }

        return (count, live, best) switch
        {
            (0, _, _) => (null, TaskOutcome.NoAnnotation),
            (_, 0, _) => (null, TaskOutcome.OnlyCancelled),
            (_, _, null) => (null, TaskOutcome.NoChoice),
            _ => (new ReviewedItem(
                id,
                target,
                text,
                best.Value.Label,
                paragraphId,
                String(data, "document_id", where),
                String(data, "run_date", where),
                best.Value.At), TaskOutcome.Reviewed),
        };

        ReviewException Missing(string field) =>
            new($"{where}: data has no \"{field}\" string: it was not exported by --export-review");
    }

    // The label of the annotation's stance choice, or null when it has none.
    private static string? Choice(JsonElement annotation, string where)
    {
        if (!annotation.TryGetProperty("result", out var results) || results.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (results.ValueKind != JsonValueKind.Array)
        {
            throw new ReviewException($"{where}: \"result\" is not an array");
        }

        foreach (var result in results.EnumerateArray())
        {
            if (result.ValueKind != JsonValueKind.Object
                || String(result, "from_name", where) != LabelConfig.ControlName
                || String(result, "type", where) != "choices")
            {
                continue;
            }

            if (!result.TryGetProperty("value", out var value)
                || value.ValueKind != JsonValueKind.Object
                || !value.TryGetProperty("choices", out var choices)
                || choices.ValueKind != JsonValueKind.Array)
            {
                throw new ReviewException($"{where}: the stance result has no \"value\": {{\"choices\": [...]}}");
            }

            var picked = choices.EnumerateArray().ToList();
            if (picked.Count == 0)
            {
                return null;
            }

            var label = picked.Count == 1 && picked[0].ValueKind == JsonValueKind.String
                ? picked[0].GetString()!.Trim().ToLowerInvariant()
                : null;
            return label is not null && LabelConfig.Labels.Contains(label)
                ? label
                : throw new ReviewException(
                    $"{where}: the stance choice {choices.GetRawText()} is not one of favor | against | none (was " +
                    "the project set up with deploy/label-studio/stance-review.xml?)");
        }

        return null;
    }

    private static DateTimeOffset? Time(JsonElement annotation, string name, string where)
    {
        var value = String(annotation, name, where);
        if (value is null)
        {
            return null;
        }

        var styles = DateTimeStyles.AssumeUniversal;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, styles, out var at)
            ? at
            : throw new ReviewException($"{where}: \"{name}\" is not a time: '{value}'");
    }

    private static string? String(JsonElement element, string name, string where) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
            ? null
            : value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : throw new ReviewException($"{where}: \"{name}\" is not a string");
}

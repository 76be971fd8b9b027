using System.Globalization;
using System.Text;
using Stance.Scoring;

namespace Stance.Hosting;

/// <summary>What a run would do: the first <see cref="DryRunPlanner.ListedDocuments"/> documents one by one, and totals.</summary>
internal sealed record RunPlan(
    DateOnly RunDate,
    string Provider,
    string Model,
    string PromptSha256,
    IReadOnlyList<DocumentPlan> Documents,
    int DocumentCount,
    DocumentPlan Total,
    int BadDocuments,
    double EstimatedCost,
    string Currency)
{
    /// <summary>Paragraphs in all documents.</summary>
    public int Paragraphs => Total.Paragraphs;

    /// <summary>Paragraphs answered from the journal (or by an identical request earlier in the run).</summary>
    public int CacheHits => Total.CacheHits;

    /// <summary>LLM calls needed (first attempts; retries and re-asks come on top).</summary>
    public int Calls => Total.Calls;

    /// <summary>Estimated input tokens.</summary>
    public long InputTokens => Total.InputTokens;

    /// <summary>Estimated output tokens.</summary>
    public long OutputTokens => Total.OutputTokens;

    /// <summary>The plan as a plain-text table.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"Dry run for {RunDate:yyyy-MM-dd}: provider {Provider}, model {Model}, prompt {PromptSha256[..12]} (no call made, nothing written)");
        text.AppendLine(inv, $"{"document",-48} {"paragraphs",10} {"cached",7} {"calls",6} {"in tokens",10} {"out tokens",10}");
        foreach (var d in Documents)
        {
            var name = d.DocumentId.Length > 48 ? "…" + d.DocumentId[^47..] : d.DocumentId;
            text.AppendLine(inv, $"{name,-48} {d.Paragraphs,10} {d.CacheHits,7} {d.Calls,6} {d.InputTokens,10} {d.OutputTokens,10}");
        }

        if (DocumentCount > Documents.Count)
        {
            var rest = $"… and {DocumentCount - Documents.Count} more documents";
            var (p, c, k, i, o) = (Paragraphs - Documents.Sum(d => d.Paragraphs), CacheHits - Documents.Sum(d => d.CacheHits),
                Calls - Documents.Sum(d => d.Calls), InputTokens - Documents.Sum(d => d.InputTokens), OutputTokens - Documents.Sum(d => d.OutputTokens));
            text.AppendLine(inv, $"{rest,-48} {p,10} {c,7} {k,6} {i,10} {o,10}");
        }

        text.AppendLine(inv, $"{"total (" + DocumentCount + " documents, " + BadDocuments + " bad)",-48} {Paragraphs,10} {CacheHits,7} {Calls,6} {InputTokens,10} {OutputTokens,10}");
        text.AppendLine(inv, $"estimated cost: {EstimatedCost:0.######} {Currency} (input and output tokens estimated at {TokenEstimator.CharsPerToken} characters a token and the configured output tokens per call)");
        return text.ToString();
    }
}

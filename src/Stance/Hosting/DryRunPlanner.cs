using System.Globalization;
using System.Text;
using Stance.Journal;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Scoring;

namespace Stance.Hosting;

/// <summary>The <c>--dry-run</c> plan: what a run would read, reuse and ask, with token and cost estimates; it makes no
/// call and writes no table.</summary>
internal sealed class DryRunPlanner(RunSettings settings, StancePrompt prompt, IParagraphScorer scorer, TimeProvider time)
{
    /// <summary>How many documents the plan lists one by one; the rest are summed in one line.</summary>
    public const int ListedDocuments = 200;

    /// <summary>Computes the plan, reading the input as a stream: memory holds the listed documents and a fixed-size
    /// filter of the requests seen, not the corpus.</summary>
    public RunPlan Plan()
    {
        var reading = settings.Reading;
        var report = new InputReport();
        var journal = settings.JournalPath;
        using var store = scorer.IsMetered && File.Exists(journal) ? ResultStore.OpenReadOnly(journal) : null;
        var runDate = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var estimator = new TokenEstimator(prompt);

        var listed = new List<DocumentPlan>();
        var total = new DocumentPlan("total", 0, 0, 0, 0, 0);
        var seen = new SeenRequests();
        DocumentPlan? current = null;
        foreach (var paragraph in ParagraphSource.Stream(settings.Input, report, reading))
        {
            if (current is null || current.DocumentId != paragraph.DocumentId)
            {
                Close(current);
                current = new DocumentPlan(paragraph.DocumentId, 0, 0, 0, 0, 0);
            }

            current = current with { Paragraphs = current.Paragraphs + 1 };
            if (!scorer.IsMetered)
            {
                continue;
            }

            var key = RequestKey.For(paragraph, prompt.Sha256, scorer.Provider, scorer.Model);
            if ((settings.Cache && store?.Find(key) is not null) || !seen.Add(key))
            {
                current = current with { CacheHits = current.CacheHits + 1 };
                continue;
            }

            current = current with
            {
                Calls = current.Calls + 1,
                InputTokens = current.InputTokens + estimator.PromptTokens(paragraph),
                OutputTokens = current.OutputTokens + settings.Pricing.ExpectedOutputTokens,
            };
        }

        Close(current);
        return new RunPlan(runDate, scorer.Provider, scorer.Model, prompt.Sha256, listed, report.Documents, total, report.BadDocuments.Count,
            settings.Pricing.Cost(total.InputTokens, total.OutputTokens), settings.Pricing.Currency);

        void Close(DocumentPlan? document)
        {
            if (document is null)
            {
                return;
            }

            if (listed.Count < ListedDocuments)
            {
                listed.Add(document);
            }

            total = total with
            {
                Paragraphs = total.Paragraphs + document.Paragraphs,
                CacheHits = total.CacheHits + document.CacheHits,
                Calls = total.Calls + document.Calls,
                InputTokens = total.InputTokens + document.InputTokens,
                OutputTokens = total.OutputTokens + document.OutputTokens,
            };
        }
    }
}

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

/// <summary>One document's share of the plan.</summary>
internal sealed record DocumentPlan(string DocumentId, int Paragraphs, int CacheHits, int Calls, long InputTokens, long OutputTokens);

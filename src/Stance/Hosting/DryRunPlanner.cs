using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Stance.Journal;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Scoring;

namespace Stance.Hosting;

/// <summary>The <c>--dry-run</c> plan: what a run would read, reuse and ask, with token and cost estimates; it makes no
/// call and writes no table.</summary>
internal sealed class DryRunPlanner(IOptions<StanceOptions> options, StancePrompt prompt, IParagraphScorer scorer, TimeProvider time)
{
    /// <summary>Computes the plan.</summary>
    public RunPlan Plan()
    {
        var settings = options.Value;
        var reading = new Documents.ReadOptions(settings.Output, settings.Journal, settings.MaxDocumentBytes);
        var input = ParagraphSource.Read(settings.Input, reading);
        var journal = settings.Journal ?? Path.Combine(settings.Output, ".stance", "journal.db");
        using var store = scorer.IsMetered && File.Exists(journal) ? ResultStore.OpenReadOnly(journal) : null;
        var runDate = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var estimator = new TokenEstimator(prompt);

        var documents = new List<DocumentPlan>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in input.Paragraphs.GroupBy(p => p.DocumentId))
        {
            int cached = 0, calls = 0;
            long inputTokens = 0;
            foreach (var paragraph in document)
            {
                if (!scorer.IsMetered)
                {
                    continue;
                }

                var key = RequestKey.For(paragraph, prompt.Sha256, scorer.Provider, scorer.Model);

                if ((settings.Cache && store?.Find(key) is not null) || !seen.Add(key))
                {
                    cached++;
                    continue;
                }

                calls++;
                inputTokens += estimator.PromptTokens(paragraph);
            }

            documents.Add(new DocumentPlan(document.Key, document.Count(), cached, calls, inputTokens, (long)calls * settings.Pricing.ExpectedOutputTokens));
        }

        var totalIn = documents.Sum(d => d.InputTokens);
        var totalOut = documents.Sum(d => d.OutputTokens);
        return new RunPlan(runDate, scorer.Provider, scorer.Model, prompt.Sha256, documents, input.BadDocuments.Count,
            totalIn, totalOut, settings.Pricing.Cost(totalIn, totalOut), settings.Pricing.Currency);
    }
}

/// <summary>What a run would do.</summary>
internal sealed record RunPlan(
    DateOnly RunDate,
    string Provider,
    string Model,
    string PromptSha256,
    IReadOnlyList<DocumentPlan> Documents,
    int BadDocuments,
    long InputTokens,
    long OutputTokens,
    double EstimatedCost,
    string Currency)
{
    /// <summary>Paragraphs in all documents.</summary>
    public int Paragraphs => Documents.Sum(d => d.Paragraphs);

    /// <summary>Paragraphs answered from the journal (or by an identical text earlier in the run).</summary>
    public int CacheHits => Documents.Sum(d => d.CacheHits);

    /// <summary>LLM calls needed (first attempts; retries and re-asks come on top).</summary>
    public int Calls => Documents.Sum(d => d.Calls);

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

        text.AppendLine(inv, $"{"total (" + Documents.Count + " documents, " + BadDocuments + " bad)",-48} {Paragraphs,10} {CacheHits,7} {Calls,6} {InputTokens,10} {OutputTokens,10}");
        text.AppendLine(inv, $"estimated cost: {EstimatedCost:0.######} {Currency} (input and output tokens estimated at {TokenEstimator.CharsPerToken} characters a token and the configured output tokens per call)");
        return text.ToString();
    }
}

/// <summary>One document's share of the plan.</summary>
internal sealed record DocumentPlan(string DocumentId, int Paragraphs, int CacheHits, int Calls, long InputTokens, long OutputTokens);

using Microsoft.Extensions.Logging;
using Stance.Journal;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Scoring;
using Stance.Storage;
using Stance.Storage.Objects;

namespace Stance.Hosting;

/// <summary>The <c>--dry-run</c> plan: what a run would read, reuse and ask, with token and cost estimates (called
/// one by one and with <c>--batch</c>) and whether they fit the budget; it makes no call and writes no
/// table.</summary>
internal sealed partial class DryRunPlanner(
    RunSettings settings,
    StancePrompt prompt,
    IParagraphScorer scorer,
    IObjectStores stores,
    TimeProvider time,
    ILogger<DryRunPlanner> logger)
{
    /// <summary>How many documents the plan lists one by one; the rest are summed in one line.</summary>
    public const int ListedDocuments = 200;

    /// <summary>Computes the plan, reading the input as a stream: memory holds the listed documents and a fixed-size
    /// filter of the requests seen, not the corpus.</summary>
    public async Task<RunPlan> PlanAsync(CancellationToken cancellationToken)
    {
        // What a run would read and know: an object-store input (copied into a private temporary folder, never the
        // state folder a running job reads), and the answers saved next to an object-store output (a new machine's
        // run reuses them, so its plan must too; in a local folder, what shards saved), imported only under the
        // journal's claim.
        var scratch = Path.Combine(Path.GetTempPath(), $"stance-dry-run-{Guid.NewGuid():N}");
        try
        {
            var input = await RunInput.PrepareAsync(settings, stores, cancellationToken, scratch).ConfigureAwait(false);
            if (scorer.IsMetered)
            {
                await RestoreAsync(RunOutput.CoordinationStore(settings, stores), cancellationToken)
                    .ConfigureAwait(false);
            }

            return Plan(input);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private async Task RestoreAsync(IObjectStore output, CancellationToken cancellationToken)
    {
        // Nothing saved (a local folder never shared with shards, a new dataset): nothing to import, and no journal
        // is created just to look.
        if ((await output.ListAsync(JournalReplica.Folder, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            return;
        }

        var journal = settings.JournalPath;
        RunClaim claim;
        try
        {
            claim = RunClaim.Acquire(journal + ".lock", $"the journal {Path.GetFullPath(journal)}");
        }
        catch (ClaimHeldException ex)
        {
            // A run holds the journal: it imports the saved answers itself; the plan counts what is local.
            LogJournalBusy(logger, ex.Message);
            return;
        }

        using (claim)
        {
            using var replica = new JournalReplica(output, journal, logger);
            await replica.RestoreAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private RunPlan Plan(string input)
    {
        var reading = settings.Reading;
        var report = new InputReport();
        var journal = settings.JournalPath;
        using var store = scorer.IsMetered && File.Exists(journal) ? ResultStore.OpenReadOnly(journal) : null;
        var runDate = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var estimator = new TokenEstimator(prompt, scorer.Model);

        var listed = new List<DocumentPlan>();
        var total = new DocumentPlan("total", 0, 0, 0, 0, 0);
        var seen = new SeenRequests();
        DocumentPlan? current = null;
        foreach (var paragraph in ParagraphSource.Stream(input, report, reading))
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
        return new RunPlan(
            runDate,
            scorer.Provider,
            scorer.Model,
            prompt.Sha256,
            listed,
            report.Documents,
            total,
            report.BadDocuments.Count,
            settings.Pricing.Cost(total.InputTokens, total.OutputTokens),
            settings.Pricing.Currency)
        {
            BatchEstimatedCost = Math.Round(
                settings.Pricing.Price(total.InputTokens, total.OutputTokens) * settings.Pricing.BatchDiscount, 6),
            MaxCost = settings.MaxCost,
            TokenMethod = estimator.Method,
        };

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

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning,
        Message = "The plan counts only the local journal's answers, not those saved next to the dataset: {Reason}")]
    private static partial void LogJournalBusy(ILogger logger, string reason);
}

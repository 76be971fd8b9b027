using Stance.Journal;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Scoring;

namespace Stance.Output;

/// <summary>Assembles a run's manifest from what the run read, scored and wrote.</summary>
internal static class RunManifestBuilder
{
    /// <summary>The manifest of a finished run.</summary>
    public static RunManifest Build(
        RunStamp run,
        StancePrompt prompt,
        InputReport input,
        RunTally tally,
        RunAbortedException? abort,
        CommitResult commit,
        int exitCode,
        DateTimeOffset startedAt,
        DateTimeOffset finishedAt,
        IReadOnlyDictionary<string, int> retries,
        PricingOptions pricing,
        IReadOnlyList<BatchPart>? batches = null,
        RunBudget? budget = null) => new(
        run.RunId,
        run.RunDate,
        "complete",
        exitCode,
        run.Provider,
        run.Model,
        new ManifestPrompt(prompt.Name, prompt.Sha256, prompt.Files),
        startedAt,
        finishedAt,
        Math.Round((finishedAt - startedAt).TotalSeconds, 3),
        new ManifestCounts(
            input.Documents + input.BadDocuments.Count(p =>
                !p.SourcePath.Contains('#', StringComparison.Ordinal)
                && !p.Reason.StartsWith("no paragraphs", StringComparison.Ordinal)),
            input.BadDocuments.Count,
            tally.Paragraphs,
            tally.Ok,
            tally.Failed,
            tally.Filtered,
            tally.FromCache,
            tally.Requests,
            tally.InputTokens,
            tally.OutputTokens,
            tally.CachedInputTokens),
        tally.FailuresByKind.OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Value),
        retries.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => r.Value),
        tally.Cost,
        pricing.Currency,
        Math.Round(tally.Paragraphs / Math.Max(0.001, (finishedAt - startedAt).TotalSeconds), 2),
        input.BadDocuments.Select(p => new ManifestProblem(p.SourcePath, p.Reason)).ToList(),
        input.SkippedBlocks.Select(p => new ManifestProblem(p.SourcePath, p.Reason)).ToList(),
        abort is null ? null : new ManifestAbort(abort.Kind, abort.Message),
        commit.Files,
        commit.KeptFiles,
        commit.DateRuns,
        ParquetOutput.SchemaVersion,
        batches?.Select(b => new ManifestBatch(b.Part, b.Round, b.FileId, b.BatchId, b.Status, b.Lines, b.Completed,
            b.Failed)).ToList() ?? [],
        tally.SpendByKind,
        tally.SpendByTarget,
        budget?.MaxCost is { } max ? new ManifestBudget(max, budget.Exceeded) : null);
}

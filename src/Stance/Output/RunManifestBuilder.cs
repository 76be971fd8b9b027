using Stance.Hosting;
using Stance.Journal;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Scoring;

namespace Stance.Output;

/// <summary>Assembles a run's manifest from what the run read, scored and wrote.</summary>
internal static class RunManifestBuilder
{
    /// <summary>The manifest of a finished run.</summary>
    public static RunManifest Build(RunStamp run, StancePrompt prompt, ParagraphBatch input, IReadOnlyList<ParagraphRow> rows,
        RunAbortedException? abort, IReadOnlyList<string> files, int exitCode, DateTimeOffset startedAt, DateTimeOffset finishedAt,
        IReadOnlyDictionary<string, int> retries, PricingOptions pricing) => new(
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
            input.Documents + input.BadDocuments.Count(p => !p.SourcePath.Contains('#', StringComparison.Ordinal)),
            input.BadDocuments.Count,
            rows.Count,
            rows.Count(r => r.Status == "ok"),
            rows.Count(r => r.Status == "failed"),
            rows.Count(r => r.Status == "filtered"),
            rows.Count(r => r.FromCache),
            rows.Sum(r => r.Attempts),
            rows.Sum(r => (long)(r.InputTokens ?? 0)),
            rows.Sum(r => (long)(r.OutputTokens ?? 0))),
        rows.Where(r => r.ErrorKind is not null).GroupBy(r => r.ErrorKind!).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
        retries.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => r.Value),
        pricing.Cost(rows.Sum(r => (long)(r.InputTokens ?? 0)), rows.Sum(r => (long)(r.OutputTokens ?? 0))),
        pricing.Currency,
        Math.Round(rows.Count / Math.Max(0.001, (finishedAt - startedAt).TotalSeconds), 2),
        input.BadDocuments.Select(p => new ManifestProblem(p.SourcePath, p.Reason)).ToList(),
        input.SkippedBlocks.Select(p => new ManifestProblem(p.SourcePath, p.Reason)).ToList(),
        abort is null ? null : new ManifestAbort(abort.Kind, abort.Message),
        files,
        ParquetOutput.SchemaVersion);
}

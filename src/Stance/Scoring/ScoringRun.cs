using Microsoft.Extensions.Logging;
using Stance.Journal;
using Stance.Paragraphs;
using Stance.Telemetry;

namespace Stance.Scoring;

/// <summary>Scores a run's paragraphs with bounded concurrency: answers already journaled are reused, a text that
/// occurs twice is asked once, every ok answer is journaled before it counts, and a run-ending failure stops the rest.</summary>
internal sealed partial class ScoringRun(IParagraphScorer scorer, ResultStore? store, bool reuseEarlierRuns, RunProgress progress, TimeProvider time, ILogger logger)
{
    /// <summary>Scores <paramref name="paragraphs"/>; the result has one entry per paragraph, null where the run stopped first.</summary>
    public async Task<ScoringResult> RunAsync(RunStamp run, IReadOnlyList<Paragraph> paragraphs, int concurrency, CancellationToken cancellationToken)
    {
        var results = new ScoredParagraph?[paragraphs.Count];
        var toScore = new List<int[]>();
        foreach (var group in Enumerable.Range(0, paragraphs.Count).GroupBy(i => ResultStore.CacheKey(paragraphs[i].TextSha256, run.PromptSha256, run.Provider, run.Model)))
        {
            var stored = store?.Find(group.Key);
            if (stored is not null && (reuseEarlierRuns || stored.RunId == run.RunId))
            {
                var outcome = stored.RunId == run.RunId
                    ? ScoreOutcome.Ok(stored.Answer, stored.Attempts, stored.InputTokens, stored.OutputTokens, stored.LatencyMs)
                    : ScoreOutcome.Ok(stored.Answer, 0, null, null, 0) with { FromCache = true };
                foreach (var i in group)
                {
                    results[i] = new ScoredParagraph(outcome, stored.ScoredAt);
                    progress.Finished("ok", outcome.FromCache, null, null);
                }
            }
            else
            {
                toScore.Add([.. group]);
            }
        }

        var reused = paragraphs.Count - toScore.Sum(g => g.Length);
        LogPlan(logger, paragraphs.Count, reused, toScore.Count);
        var abort = await ScoreAsync(run, paragraphs, toScore, results, concurrency, cancellationToken).ConfigureAwait(false);
        return new ScoringResult(results, abort);
    }

    private async Task<RunAbortedException?> ScoreAsync(RunStamp run, IReadOnlyList<Paragraph> paragraphs, List<int[]> groups,
        ScoredParagraph?[] results, int concurrency, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        RunAbortedException? abort = null;
        try
        {
            await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = stop.Token }, async (group, ct) =>
            {
                var paragraph = paragraphs[group[0]];
                ScoreOutcome outcome;
                try
                {
                    outcome = await scorer.ScoreAsync(paragraph, ct).ConfigureAwait(false);
                }
                catch (RunAbortedException ex)
                {
                    if (Interlocked.CompareExchange(ref abort, ex, null) is null)
                    {
                        LogAborted(logger, ex.Kind, ex.Message);
                    }

                    await stop.CancelAsync().ConfigureAwait(false);
                    return;
                }

                var at = time.GetUtcNow();
                if (outcome.Status == ParagraphStatus.Ok && store is not null)
                {
                    await store.RecordAsync(ResultStore.CacheKey(paragraph.TextSha256, run.PromptSha256, run.Provider, run.Model), paragraph.TextSha256, run, outcome, at).ConfigureAwait(false);
                }
                else if (outcome.Status != ParagraphStatus.Ok)
                {
                    LogParagraphFailed(logger, paragraph.DocumentId, paragraph.Index, outcome.ErrorKind!, outcome.Error!);
                }

                results[group[0]] = new ScoredParagraph(outcome, at);
                progress.Finished(Status(outcome), false, outcome.InputTokens, outcome.OutputTokens);
                foreach (var twin in group.Skip(1))
                {
                    // The same text elsewhere gets the same answer without a second call.
                    var reused = outcome with { Attempts = 0, InputTokens = null, OutputTokens = null, LatencyMs = 0, FromCache = outcome.Status == ParagraphStatus.Ok };
                    results[twin] = new ScoredParagraph(reused, at);
                    progress.Finished(Status(reused), reused.FromCache, null, null);
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abort is not null && !cancellationToken.IsCancellationRequested)
        {
        }

        return abort;
    }

    private static string Status(ScoreOutcome outcome) => outcome.Status.ToString().ToLowerInvariant();

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Paragraphs} paragraphs: {Reused} answered from the journal, {Calls} distinct texts to score")]
    private static partial void LogPlan(ILogger logger, int paragraphs, int reused, int calls);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Paragraph {DocumentId}#{Index} not ok ({Kind}): {Error}")]
    private static partial void LogParagraphFailed(ILogger logger, string documentId, int index, string kind, string error);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Run stopped ({Kind}), no further calls: {Reason}")]
    private static partial void LogAborted(ILogger logger, string kind, string reason);
}

/// <summary>One paragraph's outcome and when it was known.</summary>
internal sealed record ScoredParagraph(ScoreOutcome Outcome, DateTimeOffset ScoredAt);

/// <summary>The outcomes of a run (null where it stopped first) and why it stopped, if it did.</summary>
internal sealed record ScoringResult(ScoredParagraph?[] Results, RunAbortedException? Abort);

using Stance.Contract;
using Stance.Journal;
using Stance.Paragraphs;

namespace Stance.Output;

/// <summary>Turns a scored paragraph into its <c>paragraphs</c> row and its <c>targets</c> rows.</summary>
internal static class RowMapper
{
    /// <summary>The paragraph's row; answer columns are null when it failed.</summary>
    public static ParagraphRow ToParagraphRow(
        RunStamp run,
        Paragraph paragraph,
        ScoreOutcome outcome,
        DateTimeOffset scoredAt) => new()
    {
        RunId = run.RunId,
        RunDate = run.RunDate,
        ScoredAt = TruncateToMicroseconds(scoredAt.UtcDateTime),
        DocumentId = paragraph.DocumentId,
        DocumentTitle = paragraph.DocumentTitle,
        SourcePath = paragraph.SourcePath,
        ParagraphIndex = paragraph.Index,
        ParagraphId = paragraph.Id,
        TextSha256 = paragraph.TextSha256,
        Text = paragraph.Text,
        Provider = run.Provider,
        Model = run.Model,
        PromptName = run.PromptName,
        PromptSha256 = run.PromptSha256,
        Status = outcome.Status.ToString().ToLowerInvariant(),
        Error = outcome.Error,
        ErrorKind = outcome.ErrorKind,
        FromCache = outcome.FromCache,
        Attempts = outcome.Attempts,
        Mode = outcome.BatchId is null ? "sync" : "batch",
        BatchId = outcome.BatchId,
        InputTokens = outcome.InputTokens,
        OutputTokens = outcome.OutputTokens,
        LatencyMs = Math.Round(outcome.LatencyMs, 3),
        SentimentScore = outcome.Answer?.SentimentScore,
        SentimentLabel = outcome.Answer?.SentimentLabel,
        MainTarget = outcome.Answer?.MainTarget,
        StanceLabel = outcome.Answer?.StanceLabel,
        StanceScore = outcome.Answer?.StanceScore,
        Confidence = outcome.Answer?.Confidence,
        Rationale = outcome.Answer?.Rationale,
        Source = paragraph.Source,
        PublishedAt = paragraph.PublishedAt,
        DocumentMeta = paragraph.DocumentMeta,
        CachedInputTokens = outcome.CachedInputTokens,
        LabelProbability = outcome.Answer?.LabelProbability,
    };

    /// <summary>One row per scored target; none for a failed paragraph.</summary>
    public static IEnumerable<TargetRow> ToTargetRows(RunStamp run, Paragraph paragraph, ScoreOutcome outcome) =>
        (outcome.Answer?.Targets ?? []).Select(target => new TargetRow
        {
            RunId = run.RunId,
            RunDate = run.RunDate,
            DocumentId = paragraph.DocumentId,
            ParagraphId = paragraph.Id,
            ParagraphIndex = paragraph.Index,
            Target = target.Target,
            Mention = target.Mention,
            Watched = target.Watched,
            StanceLabel = target.StanceLabel,
            StanceScore = target.StanceScore,
            Confidence = target.Confidence,
            Evidence = target.Evidence,
            Provider = run.Provider,
            Model = run.Model,
            PromptSha256 = run.PromptSha256,
            Source = paragraph.Source,
            PublishedAt = paragraph.PublishedAt,
            LabelProbability = target.LabelProbability,
        });

    private static DateTime TruncateToMicroseconds(DateTime value) =>
        new(value.Ticks - (value.Ticks % 10), DateTimeKind.Utc);
}

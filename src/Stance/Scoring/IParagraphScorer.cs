using Stance.Paragraphs;

namespace Stance.Scoring;

/// <summary>Scores one paragraph; implementations never throw for a bad answer, they return a failed outcome.</summary>
internal interface IParagraphScorer
{
    /// <summary>The provider name written to every row (<c>lexicon</c>, <c>openai</c>, <c>azure</c>).</summary>
    string Provider { get; }

    /// <summary>The model or deployment written to every row.</summary>
    string Model { get; }

    /// <summary>Scores <paramref name="paragraph"/>; only cancellation of the run escapes as an exception.</summary>
    Task<ScoreOutcome> ScoreAsync(Paragraph paragraph, CancellationToken cancellationToken);
}

/// <summary>How scoring one paragraph ended.</summary>
/// <param name="Answer">The validated answer when <paramref name="Status"/> is ok.</param>
/// <param name="Error">Why it failed, when it did.</param>
/// <param name="Attempts">Requests sent for this paragraph (retries and re-asks included; 1 for the lexicon).</param>
internal sealed record ScoreOutcome(
    ParagraphStatus Status,
    StanceAnswer? Answer,
    string? Error,
    int Attempts,
    int? InputTokens,
    int? OutputTokens,
    double LatencyMs)
{
    /// <summary>A failed outcome.</summary>
    public static ScoreOutcome Failed(string error, int attempts, int? inputTokens, int? outputTokens, double latencyMs) =>
        new(ParagraphStatus.Failed, null, error, attempts, inputTokens, outputTokens, latencyMs);
}

/// <summary>The <c>status</c> column.</summary>
internal enum ParagraphStatus
{
    /// <summary>Scored and validated.</summary>
    Ok,

    /// <summary>No valid answer; <c>error</c> says why.</summary>
    Failed,
}

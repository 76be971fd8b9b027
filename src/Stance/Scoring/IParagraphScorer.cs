using Stance.Paragraphs;

namespace Stance.Scoring;

/// <summary>Scores one paragraph; implementations never throw for a bad answer, they return a failed outcome.</summary>
internal interface IParagraphScorer
{
    /// <summary>The provider name written to every row (<c>lexicon</c>, <c>openai</c>, <c>azure</c>).</summary>
    string Provider { get; }

    /// <summary>The model or deployment written to every row.</summary>
    string Model { get; }

    /// <summary>True when each call costs money or time, so answers are journaled and reused; false for the lexicon.</summary>
    bool IsMetered { get; }

    /// <summary>Gets ready before the first paragraph (the local provider finds, downloads and loads its model).</summary>
    /// <exception cref="Local.ModelUnavailableException">The local model cannot be had; nothing should be scored.</exception>
    Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Scores <paramref name="paragraph"/>; only cancellation of the run escapes as an exception.</summary>
    Task<ScoreOutcome> ScoreAsync(Paragraph paragraph, CancellationToken cancellationToken);
}

/// <summary>How scoring one paragraph ended.</summary>
/// <param name="Answer">The validated answer when <paramref name="Status"/> is ok.</param>
/// <param name="Error">Why it failed, when it did.</param>
/// <param name="ErrorKind">A <see cref="FailureKind"/> value when it did not end ok.</param>
/// <param name="Attempts">Requests sent for this paragraph (retries and re-asks included; 1 for the lexicon).</param>
/// <param name="FromCache">True when the answer was recorded earlier and no request was sent now.</param>
internal sealed record ScoreOutcome(
    ParagraphStatus Status,
    StanceAnswer? Answer,
    string? Error,
    string? ErrorKind,
    int Attempts,
    int? InputTokens,
    int? OutputTokens,
    double LatencyMs,
    bool FromCache = false)
{
    /// <summary>An ok outcome.</summary>
    public static ScoreOutcome Ok(StanceAnswer answer, int attempts, int? inputTokens, int? outputTokens, double latencyMs) =>
        new(ParagraphStatus.Ok, answer, null, null, attempts, inputTokens, outputTokens, latencyMs);

    /// <summary>A failed (or, for <see cref="FailureKind.ContentFilter"/>, filtered) outcome.</summary>
    public static ScoreOutcome Failed(string kind, string error, int attempts, int? inputTokens, int? outputTokens, double latencyMs) =>
        new(kind == FailureKind.ContentFilter ? ParagraphStatus.Filtered : ParagraphStatus.Failed, null, error, kind, attempts,
            inputTokens, outputTokens, latencyMs);
}

/// <summary>The <c>status</c> column.</summary>
internal enum ParagraphStatus
{
    /// <summary>Scored and validated.</summary>
    Ok,

    /// <summary>No valid answer; <c>error</c> and <c>error_kind</c> say why.</summary>
    Failed,

    /// <summary>The provider's content filter refused it; not retried.</summary>
    Filtered,
}

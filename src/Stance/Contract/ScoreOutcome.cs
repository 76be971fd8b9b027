namespace Stance.Contract;

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
    /// <summary>The provider batch that answered (mode <c>batch</c>); null for a synchronous call.</summary>
    public string? BatchId { get; init; }

    /// <summary>Prompt tokens the provider served from its prompt cache (OpenAI's
    /// <c>usage.prompt_tokens_details.cached_tokens</c>), over all attempts; included in
    /// <see cref="InputTokens"/>; null when the provider did not say.</summary>
    public int? CachedInputTokens { get; init; }

    /// <summary>An ok outcome.</summary>
    public static ScoreOutcome Ok(
        StanceAnswer answer,
        int attempts,
        int? inputTokens,
        int? outputTokens,
        double latencyMs) =>
        new(ParagraphStatus.Ok, answer, null, null, attempts, inputTokens, outputTokens, latencyMs);

    /// <summary>A failed (or, for <see cref="FailureKind.ContentFilter"/>, filtered) outcome.</summary>
    public static ScoreOutcome Failed(
        string kind,
        string error,
        int attempts,
        int? inputTokens,
        int? outputTokens,
        double latencyMs) =>
        new(
            kind == FailureKind.ContentFilter ? ParagraphStatus.Filtered : ParagraphStatus.Failed,
            null,
            error,
            kind,
            attempts,
            inputTokens,
            outputTokens,
            latencyMs);
}

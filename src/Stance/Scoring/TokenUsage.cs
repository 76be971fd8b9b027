namespace Stance.Scoring;

/// <summary>The tokens a provider reported for one answer.</summary>
/// <param name="CachedInputTokens">Prompt tokens served from the provider's prompt cache (part of
/// <paramref name="InputTokens"/>); null when it did not say.</param>
internal readonly record struct TokenUsage(int InputTokens, int OutputTokens, int? CachedInputTokens = null)
{
    /// <summary>Nothing used: a request the provider refused (an HTTP error status) is not billed.</summary>
    public static TokenUsage None { get; } = new(0, 0);
}

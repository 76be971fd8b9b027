using Stance.Contract;

namespace Stance.Journal;

/// <summary>An answer found in the store, with what it cost when it was paid for.</summary>
/// <param name="BatchId">The provider batch that answered it; null when it was a synchronous call.</param>
/// <param name="CachedInputTokens">Its prompt tokens served from the provider's prompt cache; null when
/// unknown.</param>
internal sealed record StoredAnswer(
    StanceAnswer Answer,
    int Attempts,
    int? InputTokens,
    int? OutputTokens,
    double LatencyMs,
    DateTimeOffset ScoredAt,
    string RunId,
    string Session,
    string? BatchId = null,
    int? CachedInputTokens = null);

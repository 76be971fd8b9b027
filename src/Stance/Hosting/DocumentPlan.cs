namespace Stance.Hosting;

/// <summary>One document's share of the plan.</summary>
internal sealed record DocumentPlan(
    string DocumentId,
    int Paragraphs,
    int CacheHits,
    int Calls,
    long InputTokens,
    long OutputTokens);

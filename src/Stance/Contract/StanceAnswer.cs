namespace Stance.Contract;

/// <summary>A validated answer for one paragraph.</summary>
internal sealed record StanceAnswer(
    string SentimentLabel,
    double SentimentScore,
    string? MainTarget,
    string StanceLabel,
    double StanceScore,
    double Confidence,
    string Rationale,
    IReadOnlyList<TargetStance> Targets);

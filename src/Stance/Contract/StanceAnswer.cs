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

/// <summary>The stance toward one target, with the target mapped to its canonical name.</summary>
internal sealed record TargetStance(
    string Target,
    string Mention,
    bool Watched,
    string StanceLabel,
    double StanceScore,
    double Confidence,
    string Evidence);

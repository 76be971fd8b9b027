namespace Stance.Contract;

/// <summary>The stance toward one target, with the target mapped to its canonical name.</summary>
internal sealed record TargetStance(
    string Target,
    string Mention,
    bool Watched,
    string StanceLabel,
    double StanceScore,
    double Confidence,
    string Evidence);

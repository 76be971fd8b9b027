namespace Stance.Contract;

/// <summary>The stance toward one target, with the target mapped to its canonical name; <see cref="LabelProbability"/>
/// is the probability of its stance label from the answer's token log-probabilities, or null.</summary>
internal sealed record TargetStance(
    string Target,
    string Mention,
    bool Watched,
    string StanceLabel,
    double StanceScore,
    double Confidence,
    string Evidence,
    double? LabelProbability = null);

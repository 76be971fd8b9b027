namespace Stance.Contract;

/// <summary>A validated answer for one paragraph. <see cref="LabelProbability"/> is the probability the model's
/// token log-probabilities give the top-level stance label (null where the provider returns none); it is not part of
/// the answer the model writes.</summary>
internal sealed record StanceAnswer(
    string SentimentLabel,
    double SentimentScore,
    string? MainTarget,
    string StanceLabel,
    double StanceScore,
    double Confidence,
    string Rationale,
    IReadOnlyList<TargetStance> Targets,
    double? LabelProbability = null);

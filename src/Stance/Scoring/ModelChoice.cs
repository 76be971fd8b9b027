namespace Stance.Scoring;

/// <summary>The provider in force and the model name it writes to rows, journal and cache keys (worked out once: the
/// local provider hashes its model file).</summary>
internal sealed record ModelChoice(ScoringProvider Provider, string Model);

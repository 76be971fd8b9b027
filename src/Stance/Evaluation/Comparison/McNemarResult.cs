namespace Stance.Evaluation.Comparison;

/// <summary>McNemar's exact test on per-item correctness.</summary>
/// <param name="OnlyACorrect">Items only prompt A got right (b).</param>
/// <param name="OnlyBCorrect">Items only prompt B got right (c).</param>
/// <param name="PValue">The two-sided exact p-value.</param>
internal sealed record McNemarResult(int OnlyACorrect, int OnlyBCorrect, double PValue);

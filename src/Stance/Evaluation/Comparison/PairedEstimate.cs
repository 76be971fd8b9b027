namespace Stance.Evaluation.Comparison;

/// <summary>One metric for prompts A and B and the difference B − A, each with its interval from the same bootstrap
/// resamples.</summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="A">The metric with prompt A.</param>
/// <param name="B">The metric with prompt B.</param>
/// <param name="Delta">B − A.</param>
internal sealed record PairedEstimate(string Metric, Estimate A, Estimate B, Estimate Delta);

namespace Stance.Evaluation.Comparison;

/// <summary>One metric for both prompts and the difference B − A with its interval.</summary>
/// <param name="Metric">The metric's name: <c>F_avg</c> | <c>macro-F1</c> | <c>accuracy</c>.</param>
/// <param name="A">The metric with prompt A on all items.</param>
/// <param name="B">The metric with prompt B on all items.</param>
/// <param name="Delta">B − A with its paired bootstrap interval.</param>
internal sealed record MetricDelta(string Metric, double A, double B, Estimate Delta);

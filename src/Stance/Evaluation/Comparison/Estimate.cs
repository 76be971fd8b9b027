namespace Stance.Evaluation.Comparison;

/// <summary>A point value with its 95 % bootstrap interval.</summary>
/// <param name="Value">The value on the items as given.</param>
/// <param name="Low">The 2.5th percentile of the resampled values.</param>
/// <param name="High">The 97.5th percentile of the resampled values.</param>
internal sealed record Estimate(double Value, double Low, double High)
{
    /// <summary>True when the interval holds <paramref name="x"/> (bounds included).</summary>
    public bool Includes(double x) => Low <= x && x <= High;
}

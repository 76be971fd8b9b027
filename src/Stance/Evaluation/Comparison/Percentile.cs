namespace Stance.Evaluation.Comparison;

/// <summary>Percentiles of a sorted sample by linear interpolation between the closest ranks (Hyndman and Fan's
/// type 7, the default of R's <c>quantile</c> and NumPy's <c>percentile</c>).</summary>
internal static class Percentile
{
    /// <summary>The <paramref name="p"/>-th quantile (0 ≤ p ≤ 1) of <paramref name="sorted"/> (ascending): with
    /// h = (n − 1)·p, the value x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]) (ranks from 0). For 2000 resamples the 2.5th
    /// percentile lies between the 50th and 51st smallest values, the 97.5th between the 1950th and 1951st.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        if (p is < 0 or > 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A quantile is between 0 and 1.");
        }

        var h = (sorted.Count - 1) * p;
        var low = (int)Math.Floor(h);
        if (low >= sorted.Count - 1)
        {
            return sorted[^1];
        }

        var below = sorted[low];
        var above = sorted[low + 1];
        // Equal neighbours give that value exactly (no rounding from the interpolation).
        return below == above ? below : below + ((h - low) * (above - below));
    }
}

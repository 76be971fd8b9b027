namespace Stance.Evaluation.Comparison;

/// <summary>The paired bootstrap of two prompts' metrics on the same gold items: each resample draws the ITEMS with
/// replacement, so an item's two predictions stay together, and the metrics of A and B and their difference B − A
/// are computed on that same resample. The 95 % interval is the 2.5th and 97.5th percentiles of the resampled values
/// (<see cref="Percentile.Of"/>, linear interpolation). The draws come from <c>new Random(seed)</c>, whose seeded
/// sequence is fixed, so the same items, count and seed give the same intervals on every run and machine.</summary>
internal static class PairedBootstrap
{
    /// <summary>The fewest resamples accepted: fewer leave the 2.5th and 97.5th percentiles resting on a handful of
    /// resamples each.</summary>
    public const int MinimumResamples = 2000;

    /// <summary>The default seed of the evaluation's bootstraps (comparison and agreement). Any fixed value would
    /// do; it is fixed so that a report prints the same intervals on every run (20161 recalls SemEval-2016, whose
    /// F_avg the comparison reports).</summary>
    public const int DefaultSeed = 20161;

    /// <summary>The lower quantile of the 95 % interval.</summary>
    public const double LowQuantile = 0.025;

    /// <summary>The upper quantile of the 95 % interval.</summary>
    public const double HighQuantile = 0.975;

    /// <summary>Resamples <paramref name="items"/> <paramref name="resamples"/> times and returns, for each of
    /// <paramref name="metrics"/> in order, its value for A, B and B − A on the items as given with the intervals of
    /// the resampled values. No items give zeros with zero-width intervals.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="resamples"/> is below
    /// <see cref="MinimumResamples"/>.</exception>
    public static IReadOnlyList<PairedEstimate> Run(
        IReadOnlyList<ComparedItem> items,
        IReadOnlyList<ComparisonMetric> metrics,
        int resamples,
        int seed) =>
        RunWithScores(items, metrics, resamples, seed).Estimates;

    /// <summary><see cref="Run"/>, with the scores of A and B on the items as given, from which the point values
    /// were taken.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="resamples"/> is below
    /// <see cref="MinimumResamples"/>.</exception>
    public static (IReadOnlyList<PairedEstimate> Estimates, EvalScores ScoresA, EvalScores ScoresB) RunWithScores(
        IReadOnlyList<ComparedItem> items,
        IReadOnlyList<ComparisonMetric> metrics,
        int resamples,
        int seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, MinimumResamples);

        var n = items.Count;
        var pairsA = new (string Gold, string Predicted)[n];
        var pairsB = new (string Gold, string Predicted)[n];
        for (var i = 0; i < n; i++)
        {
            pairsA[i] = (items[i].Gold, items[i].A);
            pairsB[i] = (items[i].Gold, items[i].B);
        }

        var fullA = EvalScores.Compute(pairsA);
        var fullB = EvalScores.Compute(pairsB);
        var a = NewSamples(metrics.Count, resamples);
        var b = NewSamples(metrics.Count, resamples);
        var delta = NewSamples(metrics.Count, resamples);
        var random = new Random(seed);
        for (var r = 0; r < resamples; r++)
        {
            // One index drawn per slot, used for both prompts: the pairs stay together.
            for (var i = 0; i < n; i++)
            {
                var item = items[random.Next(n)];
                pairsA[i] = (item.Gold, item.A);
                pairsB[i] = (item.Gold, item.B);
            }

            var scoresA = EvalScores.Compute(pairsA);
            var scoresB = EvalScores.Compute(pairsB);
            for (var m = 0; m < metrics.Count; m++)
            {
                a[m][r] = metrics[m].Of(scoresA);
                b[m][r] = metrics[m].Of(scoresB);
                delta[m][r] = b[m][r] - a[m][r];
            }
        }

        var estimates = new PairedEstimate[metrics.Count];
        for (var m = 0; m < metrics.Count; m++)
        {
            var valueA = metrics[m].Of(fullA);
            var valueB = metrics[m].Of(fullB);
            estimates[m] = new PairedEstimate(
                metrics[m].Name,
                Interval(valueA, a[m]),
                Interval(valueB, b[m]),
                Interval(valueB - valueA, delta[m]));
        }

        return (estimates, fullA, fullB);
    }

    /// <summary>The point value with the 2.5th and 97.5th percentiles of <paramref name="samples"/> (sorted in
    /// place; at least one).</summary>
    internal static Estimate Interval(double value, double[] samples)
    {
        Array.Sort(samples);
        return new Estimate(
            value, Percentile.Of(samples, LowQuantile), Percentile.Of(samples, HighQuantile));
    }

    private static double[][] NewSamples(int metrics, int resamples) =>
        [.. Enumerable.Range(0, metrics).Select(_ => new double[resamples])];
}

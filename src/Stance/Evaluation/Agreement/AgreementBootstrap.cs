using Stance.Evaluation.Comparison;

namespace Stance.Evaluation.Agreement;

/// <summary>Agreement coefficients with 95 % bootstrap intervals: each resample draws the UNITS (items) with
/// replacement, so a unit's values stay together, and the coefficient is recomputed on the resample. The interval
/// is the 2.5th and 97.5th percentiles of the resampled coefficients (<see cref="Percentile.Of"/>, linear
/// interpolation), the draws come from <c>new Random(seed)</c>, so the same data, count and seed give the same
/// interval on every run and machine.</summary>
/// <remarks>A resample can be undefined where the data are not (e.g. a resample that happens to draw only units on
/// which everyone gave the same label): such resamples are left out of the percentiles and counted in
/// <see cref="AgreementEstimate.UndefinedResamples"/>. When the coefficient itself is undefined, so is its
/// interval.</remarks>
internal static class AgreementBootstrap
{
    /// <summary>The measure name of Krippendorff's α.</summary>
    public const string AlphaMeasure = "Krippendorff's alpha";

    /// <summary>The measure name of Cohen's κ.</summary>
    public const string KappaMeasure = "Cohen's kappa";

    /// <summary>The default seed (<see cref="PairedBootstrap.DefaultSeed"/>).</summary>
    public const int DefaultSeed = PairedBootstrap.DefaultSeed;

    /// <summary>Nominal α of <paramref name="units"/> (units × coders, null = missing) with its interval. Only the
    /// units with at least two values are resampled (the others add nothing to α), and
    /// <see cref="AgreementEstimate.Units"/> counts them.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="resamples"/> is below
    /// <see cref="PairedBootstrap.MinimumResamples"/>.</exception>
    public static AgreementEstimate Alpha(
        string between,
        IReadOnlyList<IReadOnlyList<string?>> units,
        int resamples = PairedBootstrap.MinimumResamples,
        int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(between);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, PairedBootstrap.MinimumResamples);
        var pairable = new List<IReadOnlyList<string?>>(units.Count);
        foreach (var unit in units)
        {
            ArgumentNullException.ThrowIfNull(unit, nameof(units));
            if (unit.Count(value => value is not null) >= 2)
            {
                pairable.Add(unit);
            }
        }

        return Run(AlphaMeasure, between, pairable, Krippendorff.NominalAlpha, resamples, seed);
    }

    /// <summary>Cohen's κ of <paramref name="pairs"/> with its interval (the pairs are the units).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="resamples"/> is below
    /// <see cref="PairedBootstrap.MinimumResamples"/>.</exception>
    public static AgreementEstimate Kappa(
        string between,
        IReadOnlyList<(string A, string B)> pairs,
        int resamples = PairedBootstrap.MinimumResamples,
        int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(between);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, PairedBootstrap.MinimumResamples);
        return Run(KappaMeasure, between, pairs, Cohen.Kappa, resamples, seed);
    }

    private static AgreementEstimate Run<T>(
        string measure,
        string between,
        IReadOnlyList<T> units,
        Func<IReadOnlyList<T>, double> coefficient,
        int resamples,
        int seed)
    {
        var value = coefficient(units);
        var n = units.Count;
        var samples = new List<double>(resamples);
        var undefined = 0;
        if (n > 0)
        {
            var random = new Random(seed);
            var draw = new T[n];
            for (var r = 0; r < resamples; r++)
            {
                for (var i = 0; i < n; i++)
                {
                    draw[i] = units[random.Next(n)];
                }

                var resampled = coefficient(draw);
                if (double.IsNaN(resampled))
                {
                    undefined++;
                }
                else
                {
                    samples.Add(resampled);
                }
            }
        }

        var interval = !double.IsNaN(value) && samples.Count > 0
            ? PairedBootstrap.Interval(value, [.. samples])
            : new Estimate(value, double.NaN, double.NaN);
        return new AgreementEstimate(measure, between, value, interval.Low, interval.High, n)
        {
            Resamples = resamples,
            Seed = seed,
            UndefinedResamples = undefined,
        };
    }
}

using static Stance.Evaluation.Comparison.ComparisonFormat;

namespace Stance.Evaluation.Agreement;

/// <summary>Prints agreement coefficients, one line each, every figure beside its name so a checker can read it
/// back: <c>Krippendorff's alpha (model vs gold): 0.6123 [95 % CI 0.4012, 0.7921], 20 items</c>. Invariant culture,
/// 4 decimals; an undefined coefficient or interval (NaN) is printed "undefined".</summary>
internal static class AgreementConsole
{
    /// <summary>Prints one line per estimate, then a note for each estimate with undefined resamples and how the
    /// intervals were computed.</summary>
    public static void Print(TextWriter console, IReadOnlyList<AgreementEstimate> estimates)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(estimates);
        foreach (var estimate in estimates)
        {
            console.WriteLine(Line(estimate));
        }

        foreach (var estimate in estimates.Where(e => e.UndefinedResamples > 0 && !double.IsNaN(e.Value)))
        {
            console.WriteLine(
                $"note: {Number(estimate.UndefinedResamples)} of {Number(estimate.Resamples)} resamples of " +
                $"{estimate.Measure} ({estimate.Between}) were undefined and left out of its interval");
        }

        foreach (var (resamples, seed) in estimates.Where(e => e.Resamples > 0).Select(e => (e.Resamples, e.Seed))
            .Distinct())
        {
            console.WriteLine(
                $"agreement bootstrap: {Number(resamples)} resamples of the items, seed {Number(seed)} " +
                "(95 % CI: 2.5th and 97.5th percentiles, linear interpolation; undefined resamples left out)");
        }
    }

    /// <summary>One estimate's line.</summary>
    public static string Line(AgreementEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        var interval = double.IsNaN(estimate.Low) || double.IsNaN(estimate.High)
            ? $"[95 % CI {Undefined}]"
            : $"[95 % CI {Fixed(estimate.Low)}, {Fixed(estimate.High)}]";
        return $"{estimate.Measure} ({estimate.Between}): {Figure(estimate.Value)} {interval}, " +
            $"{Number(estimate.Units)} items";
    }
}

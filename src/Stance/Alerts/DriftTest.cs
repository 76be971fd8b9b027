using System.Globalization;
using Stance.Output;
using Stance.Reporting;

namespace Stance.Alerts;

/// <summary>The drift test of a watched target's stance labels (favor, against, neutral): the run's night against the
/// trailing nights of the window pooled. A target drifts when the population stability index is at least
/// <c>PsiThreshold</c> (the move is large) and the chi-square test of homogeneity gives p below <c>PValue</c> (it is
/// not sampling noise), with at least <c>MinCount</c> rows on each side.</summary>
internal static class DriftTest
{
    /// <summary>The share an empty cell is given in the PSI, whose logarithm would be infinite otherwise.</summary>
    public const double Epsilon = 0.0001;

    /// <summary>The population stability index Σ (a − b) · ln(a / b) over the cells' shares, a share of 0 taken as
    /// <see cref="Epsilon"/>; 0 when either side is empty.</summary>
    public static double Psi(IReadOnlyList<int> last, IReadOnlyList<int> trailing)
    {
        double lastTotal = last.Sum();
        double trailingTotal = trailing.Sum();
        if (lastTotal == 0 || trailingTotal == 0)
        {
            return 0;
        }

        var psi = 0.0;
        for (var i = 0; i < last.Count; i++)
        {
            var a = Math.Max(last[i] / lastTotal, Epsilon);
            var b = Math.Max(trailing[i] / trailingTotal, Epsilon);
            psi += (a - b) * Math.Log(a / b);
        }

        return psi;
    }

    /// <summary>The chi-square test of homogeneity of a 2 × k table: Σ (observed − expected)² / expected, expected =
    /// row total × column total / total. A column empty on both sides is dropped, so the degrees of freedom are the
    /// non-empty columns − 1; p = exp(−χ²/2) for 2, erfc(√(χ²/2)) for 1, and 1 for none.</summary>
    public static (double ChiSquare, int DegreesOfFreedom, double PValue) ChiSquare(
        IReadOnlyList<int> last,
        IReadOnlyList<int> trailing)
    {
        double lastTotal = last.Sum();
        double trailingTotal = trailing.Sum();
        var total = lastTotal + trailingTotal;
        if (lastTotal == 0 || trailingTotal == 0)
        {
            return (0, 0, 1);
        }

        var chiSquare = 0.0;
        var columns = 0;
        for (var i = 0; i < last.Count; i++)
        {
            double column = last[i] + trailing[i];
            if (column == 0)
            {
                continue;
            }

            columns++;
            var expectedLast = lastTotal * column / total;
            var expectedTrailing = trailingTotal * column / total;
            chiSquare += (Math.Pow(last[i] - expectedLast, 2) / expectedLast)
                + (Math.Pow(trailing[i] - expectedTrailing, 2) / expectedTrailing);
        }

        var degrees = columns - 1;
        return (chiSquare, degrees, PValue(chiSquare, degrees));
    }

    /// <summary>The upper tail of the chi-square distribution with 0, 1 or 2 degrees of freedom.</summary>
    internal static double PValue(double chiSquare, int degreesOfFreedom) => degreesOfFreedom switch
    {
        <= 0 => 1,
        1 => Erfc(Math.Sqrt(chiSquare / 2)),
        2 => Math.Exp(-chiSquare / 2),
        _ => throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), "a 2 × 3 table has at most 2"),
    };

    /// <summary>Each watched target's test, in <paramref name="targets"/> order: the nights dated
    /// <paramref name="runDate"/> against those before it.</summary>
    public static IReadOnlyList<DriftRow> Evaluate(
        IReadOnlyList<string> targets,
        IReadOnlyList<TrendNight> nights,
        DateOnly runDate,
        AlertOptions options)
    {
        var rows = new List<DriftRow>(targets.Count);
        foreach (var target in targets)
        {
            var last = nights.Where(n => n.Date == runDate).Select(n => n.For(target))
                .Aggregate(LabelCounts.Empty, (sum, n) => sum.Plus(n));
            var trailing = nights.Where(n => n.Date < runDate).Select(n => n.For(target))
                .Aggregate(LabelCounts.Empty, (sum, n) => sum.Plus(n));
            if (last.Count == 0 && trailing.Count == 0)
            {
                continue;
            }

            var psi = Psi(last.Cells, trailing.Cells);
            var (chiSquare, degrees, p) = ChiSquare(last.Cells, trailing.Cells);
            var tested = last.Count >= options.MinCount && trailing.Count >= options.MinCount;
            var flagged = tested && psi >= options.PsiThreshold && p < options.PValue;
            rows.Add(new DriftRow(target, last, trailing, psi, chiSquare, degrees, p, tested, flagged));
        }

        return rows;
    }

    /// <summary>The manifest's alert for a drifted target.</summary>
    public static ManifestAlert Alert(DriftRow row, AlertOptions options) => new(
        AlertKinds.Drift,
        row.Target,
        "psi",
        Math.Round(row.Psi, 6),
        options.PsiThreshold,
        string.Create(CultureInfo.InvariantCulture,
            $"{row.Target}: stance labels (favor/against/neutral) {Cells(row.Last)} on the run's night against " +
            $"{Cells(row.Trailing)} on the trailing nights: PSI {row.Psi:0.###} ≥ {options.PsiThreshold}, " +
            $"chi-square {row.ChiSquare:0.##} (df {row.DegreesOfFreedom}), p {row.PValue:0.####} < {options.PValue}"));

    private static string Cells(LabelCounts counts) => $"{counts.Favor}/{counts.Against}/{counts.Neutral}";

    // The complementary error function, Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7), for x ≥ 0.
    private static double Erfc(double x)
    {
        var t = 1 / (1 + (0.3275911 * x));
        var poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027
            + (t * 1.061405429))))))));
        return poly * Math.Exp(-x * x);
    }
}

using System.Globalization;
using Stance.Reporting;
using static Stance.Evaluation.Comparison.ComparisonFormat;

namespace Stance.Evaluation.Calibration;

/// <summary>Prints a calibration report with every figure beside a name a checker can read back, the source in each
/// name: <c>ECE (self-reported confidence): 0.1234</c>, <c>Brier (self-reported confidence): 0.2345</c>, the
/// reliability table (bin, n, mean confidence, accuracy, gap = accuracy − mean confidence) and one line per target
/// accuracy: <c>threshold for 90 % accuracy: 0.85 keeps 40 % of items (accuracy 0.9250)</c> or <c>no threshold
/// reaches 90 % accuracy</c>. Invariant culture; figures with 4 decimals, "undefined" for NaN; the threshold with
/// up to 4 decimals as the confidences were given (0.85, 0.8734, 1.0); percentages with up to 2 decimals (40,
/// 41.67).</summary>
internal static class CalibrationConsole
{
    /// <summary>What the table prints for an empty bin's figures.</summary>
    public const string Empty = "-";

    /// <summary>Prints <paramref name="report"/>.</summary>
    public static void Print(TextWriter console, CalibrationReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var source = report.Source;
        console.WriteLine(
            $"calibration of {source}: {Number(report.Count)} items, {Number(report.Unavailable)} without a " +
            $"confidence left out, {Number(report.Bins.Count)} bins");
        console.WriteLine($"ECE ({source}): {Figure(report.Ece)}");
        console.WriteLine($"Brier ({source}): {Figure(report.Brier)}");

        var table = ConsoleTable.Create("bin", "n", "mean confidence", "accuracy", "gap");
        foreach (var bin in report.Bins)
        {
            var last = ReferenceEquals(bin, report.Bins[^1]);
            var range = $"[{Edge(bin.Low)}, {Edge(bin.High)}{(last ? "]" : ")")}";
            table.AddCells(
                range,
                Number(bin.Count),
                Cell(bin.Count, bin.MeanConfidence),
                Cell(bin.Count, bin.Accuracy),
                Cell(bin.Count, bin.Gap));
        }

        ConsoleTable.Write(table, console);
        foreach (var threshold in report.Thresholds)
        {
            console.WriteLine(Line(threshold));
        }
    }

    /// <summary>One target accuracy's line.</summary>
    public static string Line(CalibrationThreshold threshold)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        var target = Percent(threshold.TargetAccuracy);
        return threshold.Threshold is { } t
            ? $"threshold for {target} % accuracy: {Threshold(t)} keeps {Percent(threshold.KeptShare)} % of items " +
                $"(accuracy {Fixed(threshold.KeptAccuracy)})"
            : $"no threshold reaches {target} % accuracy";
    }

    /// <summary>A share as a percentage with up to 2 decimals: 0.4 → 40, 0.41667 → 41.67.</summary>
    public static string Percent(double share) =>
        (Math.Round(share * 100, 2, MidpointRounding.AwayFromZero) + 0.0)
            .ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A confidence threshold with up to 4 decimals and at least one: 0.85, 0.8734, 1.0.</summary>
    public static string Threshold(double t) => t.ToString("0.0###", CultureInfo.InvariantCulture);

    private static string Edge(double edge) => edge.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Cell(int count, double value) => count == 0 ? Empty : Fixed(value);
}

namespace Stance.Tests.Evaluation.Calibration;

/// <summary>Calibration items whose figures are worked by hand in the tests.</summary>
internal static class CalibrationSamples
{
    /// <summary>Ten items: 0.95 × 5 (4 right), 0.65 × 3 (2 right), 0.25 × 2 (none right). Bin 9 holds 5 items
    /// (mean confidence 0.95, accuracy 0.8), bin 6 holds 3 (0.65, 2/3), bin 2 holds 2 (0.25, 0).</summary>
    public static IReadOnlyList<(double? Confidence, bool Correct)> HandWorked() =>
    [
        .. Items(0.95, 4, true), .. Items(0.95, 1, false),
        .. Items(0.65, 2, true), .. Items(0.65, 1, false),
        .. Items(0.25, 2, false),
    ];

    /// <summary><paramref name="count"/> items with the same confidence and correctness.</summary>
    public static IEnumerable<(double? Confidence, bool Correct)> Items(double? confidence, int count, bool correct) =>
        Enumerable.Repeat((confidence, correct), count);
}

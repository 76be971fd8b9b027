namespace Stance.Evaluation.Calibration;

/// <summary>How well one confidence source (the model's self-reported confidence, or the label probability from the
/// log-probabilities) predicts whether the chosen label is correct: a reliability table, the expected calibration
/// error, the Brier score and the confidence thresholds that reach target accuracies.</summary>
/// <param name="Source">The confidence source, e.g. <c>self-reported confidence</c> or
/// <c>label_probability</c>.</param>
/// <param name="Count">N: the items with a confidence (items without one are left out).</param>
/// <param name="Bins">The equal-width bins over [0, 1], empty ones included (Count 0, NaN figures).</param>
/// <param name="Ece">The expected calibration error (Guo et al. 2017): Σ_b (n_b / N)·|accuracy_b − mean
/// confidence_b| over the non-empty bins; NaN when N = 0.</param>
/// <param name="Brier">The binary Brier score of the chosen label: (1/N)·Σ (confidence − correct)² with correct 1 or
/// 0 (not the multi-class Brier over all labels, which needs every label's probability); NaN when N = 0.</param>
/// <param name="Thresholds">One threshold per target accuracy, in the order asked.</param>
internal sealed record CalibrationReport(
    string Source,
    int Count,
    IReadOnlyList<CalibrationBin> Bins,
    double Ece,
    double Brier,
    IReadOnlyList<CalibrationThreshold> Thresholds)
{
    /// <summary>The default number of bins.</summary>
    public const int DefaultBins = 10;

    /// <summary>The default target accuracy.</summary>
    public const double DefaultTargetAccuracy = 0.9;

    /// <summary>The items left out because their confidence was unavailable.</summary>
    public int Unavailable { get; init; }

    /// <summary>The calibration of <paramref name="items"/>: each a confidence in [0, 1] (null when unavailable, then
    /// left out) and whether the label it belongs to is correct.</summary>
    /// <remarks>
    /// <para>Bins: <paramref name="bins"/> equal-width bins [i/bins, (i + 1)/bins); a confidence of exactly 1 goes in
    /// the last bin. An empty bin is reported with Count 0 and NaN mean confidence and accuracy, and adds nothing to
    /// the ECE.</para>
    /// <para>Thresholds: for each target accuracy, the smallest threshold t among the distinct observed confidences
    /// such that the items with confidence ≥ t have accuracy ≥ target (accuracy need not rise with t, so every
    /// candidate is tried). Items with the same confidence are always kept or dropped together (ties are never
    /// split), and because t is an observed confidence a threshold keeps at least one item. There is no minimum
    /// beyond that: on a tiny set the threshold may rest on a few items, which <see cref="CalibrationThreshold.Kept"/>
    /// shows. When no threshold reaches the target (or there are no items), Threshold is null, KeptShare 0,
    /// KeptAccuracy NaN and Kept 0.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A confidence is outside [0, 1] or NaN, <paramref name="bins"/>
    /// is below 1, or a target accuracy is outside (0, 1].</exception>
    public static CalibrationReport Compute(
        string source,
        IReadOnlyList<(double? Confidence, bool Correct)> items,
        int bins = DefaultBins,
        IReadOnlyList<double>? targetAccuracies = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        targetAccuracies ??= [DefaultTargetAccuracy];
        foreach (var target in targetAccuracies)
        {
            if (!(target > 0 && target <= 1))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(targetAccuracies), target, "A target accuracy is above 0 and at most 1.");
            }
        }

        var scored = new List<(double Confidence, bool Correct)>(items.Count);
        foreach (var (confidence, correct) in items)
        {
            if (confidence is not { } c)
            {
                continue;
            }

            if (!(c >= 0 && c <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(items), c, "A confidence is between 0 and 1.");
            }

            scored.Add((c, correct));
        }

        var n = scored.Count;
        var counts = new int[bins];
        var confidenceSums = new double[bins];
        var correctCounts = new int[bins];
        var brierSum = 0.0;
        foreach (var (confidence, correct) in scored)
        {
            var b = BinOf(confidence, bins);
            counts[b]++;
            confidenceSums[b] += confidence;
            correctCounts[b] += correct ? 1 : 0;
            var error = confidence - (correct ? 1 : 0);
            brierSum += error * error;
        }

        var table = new CalibrationBin[bins];
        var ece = 0.0;
        for (var b = 0; b < bins; b++)
        {
            var (meanConfidence, accuracy) = counts[b] == 0
                ? (double.NaN, double.NaN)
                : (confidenceSums[b] / counts[b], correctCounts[b] / (double)counts[b]);
            table[b] = new CalibrationBin(Edge(b, bins), Edge(b + 1, bins), counts[b], meanConfidence, accuracy);
            if (counts[b] > 0)
            {
                ece += counts[b] / (double)n * Math.Abs(accuracy - meanConfidence);
            }
        }

        var thresholds = targetAccuracies.Select(target => ThresholdFor(target, scored)).ToList();
        return new CalibrationReport(
            source,
            n,
            table,
            n == 0 ? double.NaN : ece,
            n == 0 ? double.NaN : brierSum / n,
            thresholds)
        {
            Unavailable = items.Count - n,
        };
    }

    /// <summary>The bin of <paramref name="confidence"/> in [0, 1]: the i with i/bins ≤ confidence &lt;
    /// (i + 1)/bins, the last bin for 1. The edges are compared as computed by <see cref="Edge"/>, so a confidence
    /// equal to a bin's reported Low is in that bin whatever the rounding of confidence·bins.</summary>
    internal static int BinOf(double confidence, int bins)
    {
        var b = Math.Clamp((int)Math.Floor(confidence * bins), 0, bins - 1);
        if (b > 0 && confidence < Edge(b, bins))
        {
            b--;
        }
        else if (b < bins - 1 && confidence >= Edge(b + 1, bins))
        {
            b++;
        }

        return b;
    }

    private static double Edge(int i, int bins) => i == bins ? 1 : i / (double)bins;

    private static CalibrationThreshold ThresholdFor(double target, List<(double Confidence, bool Correct)> scored)
    {
        var n = scored.Count;
        var descending = scored.OrderByDescending(item => item.Confidence).ToList();
        CalibrationThreshold? best = null;
        var (kept, correct) = (0, 0);
        for (var i = 0; i < n;)
        {
            // Take every item with this confidence: ties are kept or dropped together.
            var t = descending[i].Confidence;
            for (; i < n && descending[i].Confidence == t; i++)
            {
                kept++;
                correct += descending[i].Correct ? 1 : 0;
            }

            var accuracy = correct / (double)kept;
            if (accuracy >= target)
            {
                best = new CalibrationThreshold(target, t, kept / (double)n, accuracy, kept);
            }
        }

        return best ?? new CalibrationThreshold(target, null, 0, double.NaN, 0);
    }
}

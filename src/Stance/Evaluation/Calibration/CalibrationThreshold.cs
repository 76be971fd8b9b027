namespace Stance.Evaluation.Calibration;

/// <summary>The lowest confidence threshold whose kept items reach a target accuracy (see
/// <see cref="CalibrationReport.Compute"/> for the rule).</summary>
/// <param name="TargetAccuracy">The accuracy asked for, in (0, 1].</param>
/// <param name="Threshold">The threshold t (an observed confidence): keep the items with confidence ≥ t; null when
/// no threshold reaches the target.</param>
/// <param name="KeptShare">The share of the items (with a confidence) that the threshold keeps; 0 when
/// none.</param>
/// <param name="KeptAccuracy">The accuracy of the kept items; NaN when none.</param>
/// <param name="Kept">The number of items kept.</param>
internal sealed record CalibrationThreshold(
    double TargetAccuracy, double? Threshold, double KeptShare, double KeptAccuracy, int Kept);

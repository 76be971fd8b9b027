namespace Stance.Evaluation.Calibration;

/// <summary>One equal-width bin of a reliability table: the items whose confidence is in [Low, High) (the last bin
/// also holds a confidence of exactly 1).</summary>
/// <param name="Low">The bin's lower edge, i/bins.</param>
/// <param name="High">The bin's upper edge, (i + 1)/bins.</param>
/// <param name="Count">The items in the bin.</param>
/// <param name="MeanConfidence">Their mean confidence; NaN for an empty bin.</param>
/// <param name="Accuracy">The share of them whose label is correct; NaN for an empty bin.</param>
internal sealed record CalibrationBin(double Low, double High, int Count, double MeanConfidence, double Accuracy)
{
    /// <summary>Accuracy − mean confidence: above 0 the labels are better than their confidence says
    /// (under-confident), below 0 worse (over-confident); NaN for an empty bin.</summary>
    public double Gap => Accuracy - MeanConfidence;
}

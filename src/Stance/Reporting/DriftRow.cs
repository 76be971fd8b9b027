namespace Stance.Reporting;

/// <summary>One watched target's drift test: the run's night against the trailing nights of the window
/// pooled.</summary>
/// <param name="Target">The watched target.</param>
/// <param name="Last">The run date's label counts.</param>
/// <param name="Trailing">The earlier nights' label counts, pooled.</param>
/// <param name="Psi">The population stability index of the two label distributions.</param>
/// <param name="ChiSquare">The chi-square statistic of the 2 × 3 table (favor, against, neutral).</param>
/// <param name="DegreesOfFreedom">The table's degrees of freedom: 2, or fewer when a label is absent from both
/// sides (its column is dropped).</param>
/// <param name="PValue">The chi-square statistic's p-value.</param>
/// <param name="Tested">False when either side has fewer rows than <c>Stance:Alerts:MinCount</c>: never
/// flagged.</param>
/// <param name="Flagged">True when the target drifted (an alert).</param>
internal sealed record DriftRow(
    string Target,
    LabelCounts Last,
    LabelCounts Trailing,
    double Psi,
    double ChiSquare,
    int DegreesOfFreedom,
    double PValue,
    bool Tested,
    bool Flagged);

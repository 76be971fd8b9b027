namespace Stance.Evaluation.Agreement;

/// <summary>Krippendorff's α for nominal data (Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011):
/// any number of coders, missing values allowed. From the coincidence matrix of the pairable values
/// (<see cref="CoincidenceMatrix"/>: units with at least two values, each pair within a unit weighted
/// 1/(m_u − 1)), α = 1 − D_o / D_e. α is 1 for perfect agreement, 0 when the coders agree no more than chance, and
/// below 0 for systematic disagreement.</summary>
/// <remarks>
/// <para>Degenerate cases: when all pairable values are the same (D_e = 0), or no unit has two values, α is
/// undefined (0/0): Krippendorff treats data without variation as carrying no information about reliability.
/// <see cref="NominalAlpha"/> returns <see cref="double.NaN"/> then, and the console prints "undefined".</para>
/// <para>Two coders, no missing values, N units: α = 1 − (1 − π)·(2N − 1)/(2N) with Scott's π (which pools the two
/// coders' marginals for chance agreement), so α is slightly above π and approaches it as N grows. Cohen's κ uses
/// each rater's own marginals for chance agreement, which gives a lower or equal expected agreement, so κ ≥ π; α and
/// κ are therefore close but generally not equal (they coincide only by chance of the counts).</para>
/// </remarks>
internal static class Krippendorff
{
    /// <summary>Nominal α of <paramref name="units"/> (units × coders, null = missing); NaN when undefined.</summary>
    public static double NominalAlpha(IReadOnlyList<IReadOnlyList<string?>> units) =>
        CoincidenceMatrix.Of(units).NominalAlpha();
}

namespace Stance.Evaluation.Agreement;

/// <summary>Cohen's κ for two raters who labelled the same items: κ = (p_o − p_e) / (1 − p_e) with the observed
/// agreement p_o (the share of items both gave the same label) and the chance agreement p_e = Σ_c p_A(c)·p_B(c) from
/// each rater's own label shares.</summary>
/// <remarks>κ is undefined (0/0) when p_e = 1, that is when both raters gave every item one and the same label, and
/// when there are no items: <see cref="Kappa"/> returns <see cref="double.NaN"/> then. Labels are compared
/// ordinally.</remarks>
internal static class Cohen
{
    /// <summary>κ of <paramref name="pairs"/> (rater A's label, rater B's label); NaN when undefined.</summary>
    public static double Kappa(IReadOnlyList<(string A, string B)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            return double.NaN;
        }

        var a = new Dictionary<string, int>(StringComparer.Ordinal);
        var b = new Dictionary<string, int>(StringComparer.Ordinal);
        var agreed = 0;
        foreach (var (labelA, labelB) in pairs)
        {
            ArgumentNullException.ThrowIfNull(labelA, nameof(pairs));
            ArgumentNullException.ThrowIfNull(labelB, nameof(pairs));
            a[labelA] = a.GetValueOrDefault(labelA) + 1;
            b[labelB] = b.GetValueOrDefault(labelB) + 1;
            if (string.Equals(labelA, labelB, StringComparison.Ordinal))
            {
                agreed++;
            }
        }

        double n = pairs.Count;
        var observed = agreed / n;
        var expected = 0.0;
        foreach (var (label, countA) in a)
        {
            expected += countA / n * (b.GetValueOrDefault(label) / n);
        }

        // p_e is 1 only when both raters used a single, shared label; then p_o is 1 too and κ is 0/0.
        return 1 - expected <= 1e-12 ? double.NaN : (observed - expected) / (1 - expected);
    }
}

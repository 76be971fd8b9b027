using Stance.Evaluation.Agreement;

namespace Stance.Tests.Evaluation.Agreement;

/// <summary>Nominal Krippendorff's α: the canonical example of Krippendorff (2011), small cases computed by hand
/// (with missing values and a unit that cannot be paired) and the degenerate cases.</summary>
public sealed class KrippendorffTests
{
    /// <summary>The reliability data of Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section
    /// C: observers A–D (rows) by units 1–12 (columns), "." missing.</summary>
    private static readonly string[] s_canonicalObservers =
    [
        "1 2 3 3 2 1 4 1 2 . . .",
        "1 2 3 3 2 2 4 1 2 5 . 3",
        ". 3 3 3 2 3 4 2 2 5 1 .",
        "1 2 3 3 2 4 4 1 2 5 1 .",
    ];

    /// <summary>The canonical data as units × coders.</summary>
    internal static IReadOnlyList<IReadOnlyList<string?>> Canonical()
    {
        var rows = s_canonicalObservers.Select(row => row.Split(' ')).ToList();
        return
        [
            .. Enumerable.Range(0, 12).Select(unit =>
                (IReadOnlyList<string?>)[.. rows.Select(row => row[unit] == "." ? null : row[unit])]),
        ];
    }

    /// <summary>Units × coders from strings with one character per coder, '.' missing.</summary>
    internal static IReadOnlyList<IReadOnlyList<string?>> Units(params string[] units) =>
    [
        .. units.Select(unit => (IReadOnlyList<string?>)[.. unit.Select(c => c == '.' ? null : c.ToString())]),
    ];

    [Fact]
    public void KrippendorffsCanonicalExampleGivesNominalAlpha0743()
    {
        // Pairable values: units 1 and 10 have 3, unit 11 has 2, unit 12 only 1 (dropped), the other 8 have 4:
        // n = 3 + 3 + 2 + 8·4 = 40. Disagreeing coincidences Σ_{c≠k} o_ck = n − Σ_c o_cc = 40 − (7 + 10 + 8 + 4 + 3)
        // = 8; n_c = 9, 13, 10, 5, 3, so Σ n_c² = 81 + 169 + 100 + 25 + 9 = 384 and
        // α = 1 − (n − 1)·8 / (n² − Σ n_c²) = 1 − 39·8 / (1600 − 384) = 1 − 312/1216 = 113/152 = 0.74342…
        var alpha = Krippendorff.NominalAlpha(Canonical());

        Assert.Equal(0.743, Math.Round(alpha, 3));
        Assert.Equal(113.0 / 152, alpha, 12);
    }

    [Fact]
    public void TheCanonicalExamplesCoincidenceMatrixMatchesTheOneWorkedByHand()
    {
        var o = CoincidenceMatrix.Of(Canonical());

        Assert.Equal(["1", "2", "3", "4", "5"], o.Values);
        Assert.Equal(11, o.PairableUnits);
        Assert.Equal(40, o.Total, 12);
        Assert.Equal([9.0, 13, 10, 5, 3], o.Totals.Select(n => Math.Round(n, 9)));
        // o_11: unit 1 (1, 1, 1; m 3) 3·2/2 = 3, unit 8 (1, 1, 2, 1; m 4) 3·2/3 = 2, unit 11 (1, 1; m 2) 2·1/1 = 2.
        Assert.Equal(7, o["1", "1"], 12);
        // o_12: unit 6 (1, 2, 3, 4; m 4) 1·1/3, unit 8 3·1/3 = 1: 4/3, and the matrix is symmetric.
        Assert.Equal(4.0 / 3, o["1", "2"], 12);
        Assert.Equal(4.0 / 3, o["2", "1"], 12);
        // o_55: unit 10 (5, 5, 5; m 3) 3·2/2 = 3; 5 never meets another value. Unit 12's lone 3 adds nothing.
        Assert.Equal(3, o["5", "5"], 12);
        Assert.Equal(0, o["5", "1"]);
        Assert.Equal(8, o["3", "3"], 12);
    }

    [Fact]
    public void TwoCodersOnFourUnitsWithOneDisagreementGiveSixteenThirtieths()
    {
        // Units (a, a), (a, a), (b, b), (a, b): n = 8 values, n_a = 5, n_b = 3; the one disagreeing unit gives
        // o_ab = o_ba = 1 (weight 1/(2 − 1)). α = 1 − (n − 1)·Σ_{c≠k} o_ck / (n² − Σ n_c²)
        // = 1 − 7·2 / (64 − 25 − 9) = 1 − 14/30 = 16/30 = 0.5333…
        var alpha = Krippendorff.NominalAlpha(Units("aa", "aa", "bb", "ab"));

        Assert.Equal(16.0 / 30, alpha, 12);
    }

    [Fact]
    public void AUnitWithASingleValueIsDroppedAndChangesNothing()
    {
        // (c, missing) cannot be paired: the value c is not in the matrix, α stays 16/30.
        var units = Units("aa", "aa", "bb", "ab", "c.", ".b");

        var o = CoincidenceMatrix.Of(units);

        Assert.Equal(16.0 / 30, Krippendorff.NominalAlpha(units), 12);
        Assert.Equal(4, o.PairableUnits);
        Assert.Equal(["a", "b"], o.Values);
        Assert.Equal(8, o.Total, 12);
    }

    [Fact]
    public void ThreeCodersWithMissingValuesGiveOneHalf()
    {
        // Units (a, a, a), (a, b, .), (b, b, .), (., a, .).
        // Unit 1, m 3: o_aa += 3·2/2 = 3. Unit 2, m 2: o_ab = o_ba += 1. Unit 3, m 2: o_bb += 2·1/1 = 2.
        // Unit 4 has one value and is dropped. n_a = 3 + 1 = 4, n_b = 1 + 2 = 3, n = 7, Σ_{c≠k} o_ck = 2.
        // D_o = 2/7; D_e = (4·3 + 3·4)/(7·6) = 24/42; α = 1 − (2/7)/(24/42) = 1 − 12/24 = 0.5.
        var units = Units("aaa", "ab.", "bb.", ".a.");

        Assert.Equal(0.5, Krippendorff.NominalAlpha(units), 12);
        Assert.Equal(3, CoincidenceMatrix.Of(units)["a", "a"], 12);
    }

    [Fact]
    public void SystematicDisagreementGivesANegativeAlpha()
    {
        // (a, b), (b, a): n = 4, n_a = n_b = 2, Σ_{c≠k} o_ck = 4; α = 1 − 3·4/(16 − 4 − 4) = 1 − 12/8 = −0.5.
        Assert.Equal(-0.5, Krippendorff.NominalAlpha(Units("ab", "ba")), 12);
    }

    [Fact]
    public void PerfectAgreementWithVariationGivesOne()
    {
        Assert.Equal(1, Krippendorff.NominalAlpha(Units("aaa", "bb.", ".cc", "a.a")), 12);
    }

    [Fact]
    public void UnitsMayHaveDifferentNumbersOfCoders()
    {
        // The same values as in ThreeCodersWithMissingValuesGiveOneHalf with the missing ones left out.
        Assert.Equal(0.5, Krippendorff.NominalAlpha(Units("aaa", "ab", "bb", "a")), 12);
    }

    [Fact]
    public void TheOrderOfUnitsAndOfCodersDoesNotMatter()
    {
        var forward = Krippendorff.NominalAlpha(Canonical());
        var reversed = Krippendorff.NominalAlpha(
            [.. Canonical().Reverse().Select(unit => (IReadOnlyList<string?>)[.. unit.Reverse()])]);

        Assert.Equal(forward, reversed, 12);
    }

    [Theory]
    // Krippendorff: without variation in the values α is undefined (0/0); it is NaN, never 1 or 0.
    [InlineData("aa", "aa", "aa")]
    [InlineData("aaa", "a.a")]
    // No unit has two values: nothing is pairable.
    [InlineData("a.", ".b")]
    public void DataWithoutVariationOrWithoutPairableValuesGiveAnUndefinedAlpha(params string[] units)
    {
        Assert.True(double.IsNaN(Krippendorff.NominalAlpha(Units(units))));
    }

    [Fact]
    public void NoUnitsGiveAnUndefinedAlpha()
    {
        Assert.True(double.IsNaN(Krippendorff.NominalAlpha([])));
    }
}

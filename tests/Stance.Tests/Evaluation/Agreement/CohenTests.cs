using Stance.Evaluation.Agreement;

namespace Stance.Tests.Evaluation.Agreement;

/// <summary>Cohen's κ checked by hand, and its relation to Krippendorff's α for two coders without missing values:
/// α = 1 − (1 − π)·(2N − 1)/(2N) with Scott's π, and π ≤ κ, so α and κ are close but not in general equal.</summary>
public sealed class CohenTests
{
    /// <summary>The textbook 2×2 table of 50 items: 20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no.</summary>
    internal static IReadOnlyList<(string A, string B)> Textbook() =>
    [
        .. Repeat("yes", "yes", 20),
        .. Repeat("yes", "no", 5),
        .. Repeat("no", "yes", 10),
        .. Repeat("no", "no", 15),
    ];

    internal static IEnumerable<(string A, string B)> Repeat(string a, string b, int count) =>
        Enumerable.Repeat((a, b), count);

    [Fact]
    public void TheTextbookTableGivesKappa04()
    {
        // p_o = (20 + 15)/50 = 0.7; A says yes 25/50, B 30/50: p_e = 0.5·0.6 + 0.5·0.4 = 0.5;
        // κ = (0.7 − 0.5)/(1 − 0.5) = 0.4.
        Assert.Equal(0.4, Cohen.Kappa(Textbook()), 12);
    }

    [Fact]
    public void OnTheTextbookTableAlphaHappensToEqualKappaWhileScottsPiIsLower()
    {
        // As α: n = 100 values, n_yes = 25 + 30 = 55, n_no = 45, 15 disagreeing units give Σ_{c≠k} o_ck = 30.
        // α = 1 − 99·30/(10000 − 3025 − 2025) = 1 − 2970/4950 = 0.4 — equal to κ by coincidence of these counts.
        // Scott's π pools the marginals: p_e = 0.55² + 0.45² = 0.505, π = (0.7 − 0.505)/0.495 = 0.3939…, and
        // 1 − (1 − π)·99/100 = 1 − 0.6 = 0.4 = α.
        var pairs = Textbook();

        var alpha = Krippendorff.NominalAlpha(AsUnits(pairs));

        Assert.Equal(0.4, alpha, 12);
        Assert.Equal(0.195 / 0.495, ScottsPi(pairs), 12);
        Assert.True(ScottsPi(pairs) < Cohen.Kappa(pairs));
    }

    [Fact]
    public void WhenTheRatersMarginalsDifferAlphaAndKappaDiffer()
    {
        // 4 yes-yes, 1 yes-no, 4 no-yes, 1 no-no (N = 10): p_o = 0.5; A yes 5/10, B yes 8/10:
        // p_e = 0.5·0.8 + 0.5·0.2 = 0.5, κ = 0. As α: n = 20, n_yes = 13, n_no = 7, Σ_{c≠k} o_ck = 2·5 = 10:
        // α = 1 − 19·10/(400 − 169 − 49) = 1 − 190/182 = −8/182 = −0.04396.
        List<(string A, string B)> pairs =
        [
            .. Repeat("yes", "yes", 4), .. Repeat("yes", "no", 1), .. Repeat("no", "yes", 4), .. Repeat("no", "no", 1),
        ];

        Assert.Equal(0, Cohen.Kappa(pairs), 12);
        Assert.Equal(-8.0 / 182, Krippendorff.NominalAlpha(AsUnits(pairs)), 12);
    }

    [Fact]
    public void OnFourItemsWithOneDisagreementKappaIsOneHalfAndAlphaSixteenThirtieths()
    {
        // A: a, a, b, a; B: a, a, b, b. p_o = 3/4; A a 3/4, b 1/4; B a 2/4, b 2/4: p_e = 3/8 + 1/8 = 1/2;
        // κ = (3/4 − 1/2)/(1/2) = 1/2. α on the same units is 16/30 (KrippendorffTests).
        List<(string A, string B)> pairs = [("a", "a"), ("a", "a"), ("b", "b"), ("a", "b")];

        Assert.Equal(0.5, Cohen.Kappa(pairs), 12);
        Assert.Equal(16.0 / 30, Krippendorff.NominalAlpha(AsUnits(pairs)), 12);
    }

    [Fact]
    public void ThreeLabelsGiveTheHandComputedKappa()
    {
        // favor-favor 3, against-against 3, none-none 2, favor-against 1, none-favor 1 (N = 10): p_o = 0.8;
        // A: favor 4, against 3, none 3; B: favor 4, against 4, none 2;
        // p_e = 0.4·0.4 + 0.3·0.4 + 0.3·0.2 = 0.34; κ = 0.46/0.66 = 0.69697.
        List<(string A, string B)> pairs =
        [
            .. Repeat("favor", "favor", 3), .. Repeat("against", "against", 3), .. Repeat("none", "none", 2),
            ("favor", "against"), ("none", "favor"),
        ];

        Assert.Equal(0.46 / 0.66, Cohen.Kappa(pairs), 12);
    }

    [Fact]
    public void ForTwoCodersWithoutMissingValuesAlphaIsScottsPiCorrectedForSmallSamplesAndKappaIsAtLeastPi()
    {
        var random = new Random(7);
        string[] labels = ["favor", "against", "none"];
        foreach (var n in new[] { 5, 12, 40, 200 })
        {
            // Rater B copies A two times in three and otherwise picks a label with its own bias.
            var pairs = Enumerable.Range(0, n).Select(_ =>
            {
                var a = labels[random.Next(3)];
                var b = random.Next(3) < 2 ? a : labels[Math.Min(2, random.Next(4))];
                return (a, b);
            }).ToList();
            var pi = ScottsPi(pairs);

            var alpha = Krippendorff.NominalAlpha(AsUnits(pairs));

            Assert.Equal(1 - ((1 - pi) * ((2.0 * n) - 1) / (2.0 * n)), alpha, 12);
            Assert.True(Cohen.Kappa(pairs) >= pi - 1e-12, $"n {n}: κ {Cohen.Kappa(pairs)}, π {pi}");
        }
    }

    [Fact]
    public void PerfectAgreementGivesOne()
    {
        Assert.Equal(1, Cohen.Kappa([("a", "a"), ("b", "b"), ("c", "c")]), 12);
    }

    [Fact]
    public void OneSharedLabelOrNoItemsGiveAnUndefinedKappa()
    {
        // p_e = 1 and p_o = 1: κ = 0/0.
        Assert.True(double.IsNaN(Cohen.Kappa([("a", "a"), ("a", "a")])));
        Assert.True(double.IsNaN(Cohen.Kappa([])));
    }

    /// <summary>The pairs as units of two coders.</summary>
    internal static IReadOnlyList<IReadOnlyList<string?>> AsUnits(IEnumerable<(string A, string B)> pairs) =>
        [.. pairs.Select(pair => (IReadOnlyList<string?>)[pair.A, pair.B])];

    /// <summary>Scott's π: chance agreement from the two raters' pooled label shares.</summary>
    private static double ScottsPi(IReadOnlyList<(string A, string B)> pairs)
    {
        var observed = pairs.Count(pair => pair.A == pair.B) / (double)pairs.Count;
        var expected = pairs.SelectMany(pair => new[] { pair.A, pair.B }).GroupBy(label => label)
            .Sum(group => Math.Pow(group.Count() / (2.0 * pairs.Count), 2));
        return (observed - expected) / (1 - expected);
    }
}

using System.Numerics;
using Stance.Evaluation.Comparison;
using static Stance.Tests.Evaluation.Comparison.ComparisonSamples;

namespace Stance.Tests.Evaluation.Comparison;

/// <summary>McNemar's exact test against small tables worked by hand and larger ones summed exactly.</summary>
public sealed class McNemarTests
{
    [Theory]
    // b = 0, c = 5: n = 5, Σ_{k=0}^{0} C(5, k) = 1, p = 2·1/32 = 0.0625.
    [InlineData(0, 5, 0.0625)]
    [InlineData(5, 0, 0.0625)]
    // b = 1, c = 6: n = 7, C(7, 0) + C(7, 1) = 1 + 7 = 8, p = 2·8/128 = 0.125.
    [InlineData(1, 6, 0.125)]
    // b = 3, c = 3: n = 6, 1 + 6 + 15 + 20 = 42, 2·42/64 = 1.3125, capped at 1.
    [InlineData(3, 3, 1.0)]
    // b = c = 0: no discordant item, p = 1.
    [InlineData(0, 0, 1.0)]
    // b = 3, c = 7: n = 10, 1 + 10 + 45 + 120 = 176, p = 2·176/1024 = 0.34375.
    [InlineData(3, 7, 0.34375)]
    public void SmallTablesGiveTheHandComputedPValues(int onlyA, int onlyB, double expected)
    {
        Assert.Equal(expected, McNemar.ExactPValue(onlyA, onlyB));
    }

    [Theory]
    [InlineData(20, 42)]
    [InlineData(21, 42)]
    [InlineData(40, 70)]
    [InlineData(1450, 1550)]
    [InlineData(2480, 2520)]
    [InlineData(150, 260)]
    public void LargerTablesMatchTheExactSumInBigIntegers(int onlyA, int onlyB)
    {
        var expected = ExactByBigInteger(onlyA, onlyB);

        var actual = McNemar.ExactPValue(onlyA, onlyB);

        Assert.True(
            Math.Abs(actual - expected) <= 1e-9 * expected,
            $"b = {onlyA}, c = {onlyB}: {actual:R} against the exact {expected:R}");
    }

    [Fact]
    public void APValueTooSmallForADoubleIsZeroNotAnOverflow()
    {
        // 2 / 2^3000 ≈ 1e-903, below the smallest double.
        var p = McNemar.ExactPValue(0, 3000);

        Assert.Equal(0, p);
    }

    [Fact]
    public void OnlyTheDiscordantItemsAreCounted()
    {
        ComparedItem[] items =
        [
            Item("1", "T", "favor", "favor", "against"), // only A right
            Item("2", "T", "favor", "none", "favor"), // only B right
            Item("3", "T", "against", "none", "against"), // only B right
            Item("4", "T", "none", "none", "none"), // both right
            Item("5", "T", "none", "favor", "against"), // both wrong
        ];

        var result = McNemar.Test(items);

        // b = 1, c = 2: n = 3, C(3, 0) + C(3, 1) = 4, 2·4/8 = 1.
        Assert.Equal(new McNemarResult(1, 2, 1.0), result);
    }

    [Fact]
    public void NegativeCountsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => McNemar.ExactPValue(-1, 3));
    }

    // min(1, 2·Σ_{k=0}^{min(b,c)} C(n, k) / 2^n) with the binomial coefficients and the power exact; the quotient
    // scaled by 10^40 before the one division, so the double keeps its precision down to p ≈ 1e-25.
    private static double ExactByBigInteger(int onlyA, int onlyB)
    {
        var n = onlyA + onlyB;
        var sum = BigInteger.Zero;
        var binomial = BigInteger.One;
        for (var k = 0; k <= Math.Min(onlyA, onlyB); k++)
        {
            sum += binomial;
            binomial = binomial * (n - k) / (k + 1);
        }

        var scale = BigInteger.Pow(10, 40);
        var scaled = 2 * sum * scale / BigInteger.Pow(2, n);
        return Math.Min(1, (double)scaled / 1e40);
    }
}

using Stance.Evaluation.Agreement;
using static Stance.Tests.Evaluation.Agreement.CohenTests;
using static Stance.Tests.Evaluation.Agreement.KrippendorffTests;

namespace Stance.Tests.Evaluation.Agreement;

/// <summary>The bootstrap of the agreement coefficients: units resampled, reproducible by seed, at least 2000
/// resamples, undefined resamples and coefficients.</summary>
public sealed class AgreementBootstrapTests
{
    [Fact]
    public void KappaOnTheTextbookTableIs04WithAnIntervalAroundIt()
    {
        var estimate = AgreementBootstrap.Kappa("model vs gold", Textbook());

        Assert.Equal("Cohen's kappa", estimate.Measure);
        Assert.Equal("model vs gold", estimate.Between);
        Assert.Equal(0.4, estimate.Value, 12);
        Assert.Equal(50, estimate.Units);
        Assert.Equal((2000, 20161, 0), (estimate.Resamples, estimate.Seed, estimate.UndefinedResamples));
        // 50 items: the interval is wide but holds the value and stays within κ's range.
        Assert.True(estimate.Low < 0.4 && 0.4 < estimate.High, $"{estimate}");
        Assert.True(estimate.Low > -1 && estimate.High <= 1, $"{estimate}");
        Assert.True(estimate.High - estimate.Low > 0.1, $"{estimate}");
    }

    [Fact]
    public void AlphaResamplesOnlyThePairableUnitsAndKeepsTheValueOfAllUnits()
    {
        var estimate = AgreementBootstrap.Alpha("4 observers", Canonical());

        Assert.Equal("Krippendorff's alpha", estimate.Measure);
        Assert.Equal(113.0 / 152, estimate.Value, 12);
        // Unit 12 has one value: 11 units are resampled.
        Assert.Equal(11, estimate.Units);
        Assert.True(estimate.Low < estimate.Value && estimate.Value < estimate.High, $"{estimate}");
        Assert.True(estimate.High <= 1, $"{estimate}");
    }

    [Fact]
    public void TheSameSeedGivesTheSameIntervalAndAnotherSeedAnother()
    {
        var first = AgreementBootstrap.Alpha("a", Canonical(), 2000, 20161);
        var again = AgreementBootstrap.Alpha("a", Canonical(), 2000, 20161);
        var other = AgreementBootstrap.Alpha("a", Canonical(), 2000, 42);
        var kappa = AgreementBootstrap.Kappa("k", Textbook(), 2000, 20161);
        var kappaAgain = AgreementBootstrap.Kappa("k", Textbook(), 2000, 20161);
        var kappaOther = AgreementBootstrap.Kappa("k", Textbook(), 2000, 42);

        Assert.Equal(first, again);
        Assert.Equal(kappa, kappaAgain);
        Assert.Equal(first.Value, other.Value);
        Assert.True(first.Low != other.Low || first.High != other.High, $"{first} / {other}");
        Assert.True(kappa.Low != kappaOther.Low || kappa.High != kappaOther.High, $"{kappa} / {kappaOther}");
    }

    [Fact]
    public void MoreResamplesAreAccepted()
    {
        var estimate = AgreementBootstrap.Kappa("k", Textbook(), 5000, 1);

        Assert.Equal(5000, estimate.Resamples);
        Assert.True(estimate.Low < 0.4 && 0.4 < estimate.High, $"{estimate}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(1999)]
    public void FewerThan2000ResamplesAreRefused(int resamples)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AgreementBootstrap.Alpha("a", Canonical(), resamples));
        Assert.Throws<ArgumentOutOfRangeException>(() => AgreementBootstrap.Kappa("k", Textbook(), resamples));
    }

    [Fact]
    public void PerfectAgreementGivesTheInterval1To1AndLeavesOutResamplesWithoutVariation()
    {
        // Two labels, 3 units each: a resample draws only one label with probability 2·(1/2)^6 = 1/32, so about 62
        // of 2000 resamples are undefined; every other one is 1.
        var units = Units("aa", "aa", "aa", "bb", "bb", "bb");

        var estimate = AgreementBootstrap.Alpha("repeats", units);

        Assert.Equal((1.0, 1.0, 1.0), (estimate.Value, estimate.Low, estimate.High));
        Assert.InRange(estimate.UndefinedResamples, 20, 120);
    }

    [Fact]
    public void AnUndefinedCoefficientHasAnUndefinedInterval()
    {
        var alpha = AgreementBootstrap.Alpha("repeats", Units("aa", "aa", "a."));
        var kappa = AgreementBootstrap.Kappa("model vs gold", [("a", "a"), ("a", "a")]);
        var none = AgreementBootstrap.Kappa("model vs gold", []);

        Assert.True(double.IsNaN(alpha.Value) && double.IsNaN(alpha.Low) && double.IsNaN(alpha.High));
        Assert.Equal(2, alpha.Units);
        Assert.Equal(2000, alpha.UndefinedResamples);
        Assert.True(double.IsNaN(kappa.Value) && double.IsNaN(kappa.Low) && double.IsNaN(kappa.High));
        Assert.True(double.IsNaN(none.Value) && double.IsNaN(none.Low) && double.IsNaN(none.High));
        Assert.Equal(0, none.Units);
    }
}

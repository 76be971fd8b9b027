using Stance.Evaluation.Comparison;
using static Stance.Tests.Evaluation.Comparison.ComparisonSamples;

namespace Stance.Tests.Evaluation.Comparison;

/// <summary>The paired bootstrap on its own: intervals that must or must not hold 0, reproducibility, and the
/// refusal of too few resamples.</summary>
public sealed class PairedBootstrapTests
{
    [Fact]
    public void IdenticalPredictionsGiveADeltaOfZeroWithTheInterval0To0()
    {
        var items = Noisy(60).Select(item => item with { B = item.A }).ToList();

        var estimates = PairedBootstrap.Run(items, ComparisonMetric.All, 2000, 1);

        Assert.Equal(["F_avg", "macro-F1", "accuracy"], estimates.Select(e => e.Metric));
        Assert.All(estimates, e =>
        {
            Assert.Equal(new Estimate(0, 0, 0), e.Delta);
            Assert.Equal(e.A, e.B);
        });
    }

    [Fact]
    public void ItemsThatSwapAsManyOneWayAsTheOtherGiveAnIntervalAround0()
    {
        var estimates = PairedBootstrap.Run(Swapped(), ComparisonMetric.All, 2000, 1);

        Assert.All(estimates, e =>
        {
            // Same confusion matrices: the point difference is exactly 0; resamples that draw more fixed than broken
            // items (or fewer) put the bounds on either side of it.
            Assert.Equal(0, e.Delta.Value);
            Assert.True(e.Delta.Low < 0 && e.Delta.High > 0, $"{e.Metric}: {e.Delta}");
        });
    }

    [Fact]
    public void BRightOn30MoreOf40ItemsWithNothingTheOtherWayGivesAnIntervalAbove0()
    {
        var estimates = PairedBootstrap.Run(BBetter(), ComparisonMetric.All, 2000, 1);

        // Accuracy by hand: A 10/40 = 0.25, B 40/40 = 1.
        var accuracy = estimates.Single(e => e.Metric == "accuracy");
        Assert.Equal(0.25, accuracy.A.Value, 12);
        Assert.Equal(1, accuracy.B.Value, 12);
        Assert.Equal(0.75, accuracy.Delta.Value, 12);
        Assert.All(estimates, e => Assert.True(e.Delta.Low > 0, $"{e.Metric}: {e.Delta}"));
        Assert.All(estimates, e => Assert.True(e.Delta.Low <= e.Delta.Value && e.Delta.Value <= e.Delta.High));
    }

    [Fact]
    public void TheSameSeedGivesTheSameIntervalsAndAnotherSeedOthers()
    {
        var items = Noisy(240);

        var first = PairedBootstrap.Run(items, ComparisonMetric.All, 2000, 20161);
        var again = PairedBootstrap.Run(items, ComparisonMetric.All, 2000, 20161);
        var other = PairedBootstrap.Run(items, ComparisonMetric.All, 2000, 42);

        Assert.Equal(first, again);
        var fAvg = (First: first[0], Other: other[0]);
        Assert.Equal(fAvg.First.Delta.Value, fAvg.Other.Delta.Value);
        Assert.True(
            fAvg.First.Delta.Low != fAvg.Other.Delta.Low || fAvg.First.Delta.High != fAvg.Other.Delta.High,
            $"seed 20161 {fAvg.First.Delta}, seed 42 {fAvg.Other.Delta}");
    }

    [Fact]
    public void TheIntervalsOfAAndBAloneHoldTheirValuesAndTheDeltaIsBMinusA()
    {
        var estimates = PairedBootstrap.Run(Noisy(150), ComparisonMetric.All, 2000, 3);

        Assert.All(estimates, e =>
        {
            Assert.True(e.A.Low <= e.A.Value && e.A.Value <= e.A.High, $"{e.Metric} A: {e.A}");
            Assert.True(e.B.Low <= e.B.Value && e.B.Value <= e.B.High, $"{e.Metric} B: {e.B}");
            Assert.Equal(e.B.Value - e.A.Value, e.Delta.Value, 12);
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(1999)]
    public void FewerThan2000ResamplesAreRefused(int resamples)
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => PairedBootstrap.Run(Swapped(), ComparisonMetric.All, resamples, 1));
    }

    [Fact]
    public void NoItemsGiveZerosWithoutThrowing()
    {
        var estimates = PairedBootstrap.Run([], ComparisonMetric.All, 2000, 1);

        Assert.All(estimates, e => Assert.Equal(new Estimate(0, 0, 0), e.Delta));
    }
}

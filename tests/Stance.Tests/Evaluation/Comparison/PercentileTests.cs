using Stance.Evaluation.Comparison;

namespace Stance.Tests.Evaluation.Comparison;

/// <summary>Percentiles by linear interpolation between the closest ranks, checked by hand.</summary>
public sealed class PercentileTests
{
    [Theory]
    // h = (n − 1)·p over [1, 2, 3, 4]: p 0 → h 0 → 1; p .5 → h 1.5 → 2 + .5·(3 − 2) = 2.5; p 1 → h 3 → 4;
    // p .25 → h .75 → 1 + .75·(2 − 1) = 1.75.
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 2.5)]
    [InlineData(1.0, 4.0)]
    [InlineData(0.25, 1.75)]
    public void APercentileInterpolatesLinearlyBetweenTheClosestRanks(double p, double expected)
    {
        Assert.Equal(expected, Percentile.Of([1.0, 2.0, 3.0, 4.0], p), 12);
    }

    [Fact]
    public void Of2000ResamplesThe95PercentBoundsLieBetweenThe50thAnd51stAndThe1950thAnd1951stValues()
    {
        // x[i] = i: the 2.5th percentile is at h = 1999·0.025 = 49.975, the 97.5th at h = 1999·0.975 = 1949.025.
        var sorted = Enumerable.Range(0, 2000).Select(i => (double)i).ToArray();

        Assert.Equal(49.975, Percentile.Of(sorted, 0.025), 9);
        Assert.Equal(1949.025, Percentile.Of(sorted, 0.975), 9);
    }

    [Fact]
    public void EqualNeighboursGiveTheirValueExactly()
    {
        Assert.Equal(0.1, Percentile.Of([0.1, 0.1, 0.1], 0.4));
    }

    [Fact]
    public void AQuantileOutside0To1OrAnEmptySampleIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Of([1.0], 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Of([], 0.5));
    }
}

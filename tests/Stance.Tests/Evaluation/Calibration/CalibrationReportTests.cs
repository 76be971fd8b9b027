using Stance.Evaluation.Calibration;
using static Stance.Tests.Evaluation.Calibration.CalibrationSamples;

namespace Stance.Tests.Evaluation.Calibration;

/// <summary>The reliability table, ECE, Brier score and thresholds, worked by hand.</summary>
public sealed class CalibrationReportTests
{
    [Fact]
    public void TheHandWorkedItemsGiveTheirBinsEceAndBrier()
    {
        var report = CalibrationReport.Compute("self-reported confidence", HandWorked());

        Assert.Equal(10, report.Count);
        Assert.Equal(10, report.Bins.Count);
        Assert.Equal(
            [0, 0, 2, 0, 0, 0, 3, 0, 0, 5], report.Bins.Select(b => b.Count));
        Assert.Equal(0.95, report.Bins[9].MeanConfidence, 12);
        Assert.Equal(0.8, report.Bins[9].Accuracy, 12);
        Assert.Equal(2.0 / 3, report.Bins[6].Accuracy, 12);
        Assert.Equal(0, report.Bins[2].Accuracy);
        Assert.Equal(-0.15, report.Bins[9].Gap, 12);
        // ECE = 5/10·|0.8 − 0.95| + 3/10·|2/3 − 0.65| + 2/10·|0 − 0.25| = 0.075 + 0.005 + 0.05 = 0.13.
        Assert.Equal(0.13, report.Ece, 12);
        // Brier = (4·0.05² + 0.95² + 2·0.35² + 0.65² + 2·0.25²)/10
        // = (0.01 + 0.9025 + 0.245 + 0.4225 + 0.125)/10 = 1.705/10 = 0.1705.
        Assert.Equal(0.1705, report.Brier, 12);
    }

    [Fact]
    public void EmptyBinsHaveCountZeroAndNaNFiguresAndTheEdgesCoverZeroToOne()
    {
        var report = CalibrationReport.Compute("c", HandWorked(), bins: 5);

        Assert.Equal(
            [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0)],
            report.Bins.Select(b => (Math.Round(b.Low, 12), Math.Round(b.High, 12))));
        var empty = report.Bins[0];
        Assert.Equal(0, empty.Count);
        Assert.True(double.IsNaN(empty.MeanConfidence) && double.IsNaN(empty.Accuracy) && double.IsNaN(empty.Gap));
        Assert.Equal(0.13, report.Ece, 12);
    }

    [Theory]
    [InlineData(0.0, 10, 0)]
    [InlineData(0.1, 10, 1)]
    [InlineData(0.3, 10, 3)]
    [InlineData(0.6, 10, 6)]
    [InlineData(0.7, 10, 7)]
    [InlineData(0.9, 10, 9)]
    [InlineData(0.99999, 10, 9)]
    [InlineData(1.0, 10, 9)]
    [InlineData(0.2999999, 10, 2)]
    [InlineData(1.0, 1, 0)]
    [InlineData(0.5, 2, 1)]
    public void AConfidenceGoesInTheBinWhoseLowerEdgeItReachesAndOneInTheLast(double confidence, int bins, int bin)
    {
        Assert.Equal(bin, CalibrationReport.BinOf(confidence, bins));
    }

    [Fact]
    public void EveryEdgeOfEveryBinCountBelongsToTheBinItOpens()
    {
        for (var bins = 1; bins <= 40; bins++)
        {
            for (var i = 0; i < bins; i++)
            {
                Assert.Equal(i, CalibrationReport.BinOf(i / (double)bins, bins));
            }
        }
    }

    [Fact]
    public void ItemsWithoutAConfidenceAreLeftOutAndCounted()
    {
        List<(double? Confidence, bool Correct)> items = [.. HandWorked(), .. Items(null, 3, false)];

        var report = CalibrationReport.Compute("label_probability", items);

        Assert.Equal(10, report.Count);
        Assert.Equal(3, report.Unavailable);
        Assert.Equal(0.13, report.Ece, 12);
        Assert.Equal("label_probability", report.Source);
    }

    [Fact]
    public void PerfectlyCalibratedBinsGiveAnEceOfZero()
    {
        // 0.75 × 4 with 3 right, 0.25 × 4 with 1 right: each bin's accuracy is its confidence.
        // Brier = (3·0.25² + 0.75² + 3·0.25² + 0.75²)/8 = (0.1875 + 0.5625 + 0.1875 + 0.5625)/8 = 0.1875.
        List<(double? Confidence, bool Correct)> items =
            [.. Items(0.75, 3, true), .. Items(0.75, 1, false), .. Items(0.25, 1, true), .. Items(0.25, 3, false)];

        var report = CalibrationReport.Compute("c", items);

        Assert.Equal(0, report.Ece, 12);
        Assert.Equal(0.1875, report.Brier, 12);
    }

    [Fact]
    public void TheThresholdIsTheSmallestObservedConfidenceWhoseKeptItemsReachTheTarget()
    {
        // Kept from the top: ≥ 0.95 → 4/5 = 0.8; ≥ 0.65 → 6/8 = 0.75; ≥ 0.25 → 6/10 = 0.6.
        var report = CalibrationReport.Compute("c", HandWorked(), targetAccuracies: [0.9, 0.8, 0.75, 0.6, 0.5]);

        Assert.Equal([0.9, 0.8, 0.75, 0.6, 0.5], report.Thresholds.Select(t => t.TargetAccuracy));
        Assert.Equal(new CalibrationThreshold(0.9, null, 0, double.NaN, 0), report.Thresholds[0]);
        Assert.Equal(new CalibrationThreshold(0.8, 0.95, 0.5, 0.8, 5), report.Thresholds[1]);
        Assert.Equal(new CalibrationThreshold(0.75, 0.65, 0.8, 0.75, 8), report.Thresholds[2]);
        Assert.Equal(new CalibrationThreshold(0.6, 0.25, 1, 0.6, 10), report.Thresholds[3]);
        Assert.Equal(new CalibrationThreshold(0.5, 0.25, 1, 0.6, 10), report.Thresholds[4]);
    }

    [Fact]
    public void TheDefaultTargetIs90PercentAccuracy()
    {
        List<(double? Confidence, bool Correct)> items = [.. Items(0.9, 9, true), .. Items(0.9, 1, false)];

        var threshold = Assert.Single(CalibrationReport.Compute("c", items).Thresholds);

        // 9/10 right reaches 0.9 exactly.
        Assert.Equal(new CalibrationThreshold(0.9, 0.9, 1, 0.9, 10), threshold);
    }

    [Fact]
    public void EveryThresholdIsTriedBecauseAccuracyNeedNotRiseWithConfidence()
    {
        // ≥ 0.9 → 1/1; ≥ 0.8 → 1/2; ≥ 0.7 → 5/6 = 0.8333: the smallest threshold reaching 0.8 is 0.7, below one
        // that fails.
        List<(double? Confidence, bool Correct)> items =
            [(0.9, true), (0.8, false), .. Items(0.7, 4, true)];

        var threshold = CalibrationReport.Compute("c", items, targetAccuracies: [0.8]).Thresholds[0];

        Assert.Equal(0.7, threshold.Threshold);
        Assert.Equal(6, threshold.Kept);
        Assert.Equal(5.0 / 6, threshold.KeptAccuracy, 12);
    }

    [Fact]
    public void ItemsWithTheSameConfidenceAreNeverSplit()
    {
        // One right and one wrong at 0.9, one right at 0.5: a threshold keeps both 0.9s or neither, so no threshold
        // reaches 100 % even though a single right item would.
        List<(double? Confidence, bool Correct)> items = [(0.9, true), (0.9, false), (0.5, true)];

        var report = CalibrationReport.Compute("c", items, targetAccuracies: [1.0, 0.5]);

        Assert.Null(report.Thresholds[0].Threshold);
        Assert.Equal(0, report.Thresholds[0].KeptShare);
        Assert.Equal(new CalibrationThreshold(0.5, 0.5, 1, 2.0 / 3, 3), report.Thresholds[1]);
    }

    [Fact]
    public void OnASingleItemTheThresholdKeepsItWhenItIsRightAndThereIsNoneWhenItIsWrong()
    {
        var right = CalibrationReport.Compute("c", [(0.6, true)]).Thresholds[0];
        var wrong = CalibrationReport.Compute("c", [(0.6, false)]).Thresholds[0];

        Assert.Equal(new CalibrationThreshold(0.9, 0.6, 1, 1, 1), right);
        Assert.Null(wrong.Threshold);
    }

    [Fact]
    public void NoItemsWithAConfidenceGiveUndefinedFiguresAndEmptyBins()
    {
        var report = CalibrationReport.Compute("c", [.. Items(null, 4, true)]);

        Assert.Equal((0, 4), (report.Count, report.Unavailable));
        Assert.True(double.IsNaN(report.Ece) && double.IsNaN(report.Brier));
        Assert.All(report.Bins, bin => Assert.Equal(0, bin.Count));
        Assert.Null(report.Thresholds[0].Threshold);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void AConfidenceOutside0To1IsRefused(double confidence)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationReport.Compute("c", [(confidence, true)]));
    }

    [Fact]
    public void NoBinsOrATargetOutside0To1AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationReport.Compute("c", HandWorked(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => CalibrationReport.Compute("c", HandWorked(), targetAccuracies: [0]));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => CalibrationReport.Compute("c", HandWorked(), targetAccuracies: [90]));
    }
}

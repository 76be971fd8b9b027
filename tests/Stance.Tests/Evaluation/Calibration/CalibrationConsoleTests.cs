using System.Text.RegularExpressions;
using Stance.Evaluation.Calibration;
using static Stance.Tests.Evaluation.Calibration.CalibrationSamples;

namespace Stance.Tests.Evaluation.Calibration;

/// <summary>The printed calibration names every figure with its source, so a checker can read it back.</summary>
public sealed class CalibrationConsoleTests
{
    [Fact]
    public void EceBrierTheTableAndTheThresholdsArePrintedWithTheSourceInTheirNames()
    {
        var report = CalibrationReport.Compute(
            "self-reported confidence",
            [.. HandWorked(), .. Items(null, 2, true)],
            targetAccuracies: [0.9, 0.75]);
        using var console = new StringWriter();

        CalibrationConsole.Print(console, report);
        var text = console.ToString();

        Assert.Contains(
            "calibration of self-reported confidence: 10 items, 2 without a confidence left out, 10 bins", text);
        Assert.Matches(@"(?m)^ECE \(self-reported confidence\): 0\.1300$", text);
        Assert.Matches(@"(?m)^Brier \(self-reported confidence\): 0\.1705$", text);
        Assert.Matches(@"(?m)^bin\s+n\s+mean confidence\s+accuracy\s+gap$", text);
        Assert.Matches(@"(?m)^\[0\.00, 0\.10\)\s+0\s+-\s+-\s+-$", text);
        Assert.Matches(@"(?m)^\[0\.60, 0\.70\)\s+3\s+0\.6500\s+0\.6667\s+0\.0167$", text);
        Assert.Matches(@"(?m)^\[0\.90, 1\.00\]\s+5\s+0\.9500\s+0\.8000\s+-0\.1500$", text);
        Assert.Equal(10, Regex.Count(text, @"(?m)^\[\d\.\d\d, \d\.\d\d[\)\]]"));
        Assert.Contains("no threshold reaches 90 % accuracy", text);
        Assert.Contains("threshold for 75 % accuracy: 0.65 keeps 80 % of items (accuracy 0.7500)", text);
    }

    [Fact]
    public void TheThresholdLineReadsAsTheIssueShowsIt()
    {
        Assert.Equal(
            "threshold for 90 % accuracy: 0.85 keeps 40 % of items (accuracy 0.9250)",
            CalibrationConsole.Line(new CalibrationThreshold(0.9, 0.85, 0.4, 0.925, 40)));
        Assert.Equal(
            "threshold for 97.5 % accuracy: 0.8734 keeps 41.67 % of items (accuracy 1.0000)",
            CalibrationConsole.Line(new CalibrationThreshold(0.975, 0.8734, 5.0 / 12, 1, 5)));
        Assert.Equal(
            "threshold for 100 % accuracy: 1.0 keeps 100 % of items (accuracy 1.0000)",
            CalibrationConsole.Line(new CalibrationThreshold(1, 1, 1, 1, 3)));
    }

    [Fact]
    public void TheLabelProbabilitysFiguresCarryItsName()
    {
        using var console = new StringWriter();

        CalibrationConsole.Print(console, CalibrationReport.Compute("label_probability", HandWorked()));

        Assert.Contains("ECE (label_probability): 0.1300", console.ToString());
        Assert.Contains("Brier (label_probability): 0.1705", console.ToString());
    }

    [Fact]
    public void NoItemsArePrintedUndefined()
    {
        using var console = new StringWriter();

        CalibrationConsole.Print(console, CalibrationReport.Compute("label_probability", [(null, true)]));
        var text = console.ToString();

        Assert.Contains("ECE (label_probability): undefined", text);
        Assert.Contains("Brier (label_probability): undefined", text);
        Assert.Contains("no threshold reaches 90 % accuracy", text);
        Assert.DoesNotContain("NaN", text);
    }
}

using Stance.Alerts;
using Stance.Reporting;

namespace Stance.Tests.Alerts;

/// <summary>The drift statistics on tables computed by hand (favor, against, neutral; the run's night first).</summary>
public sealed class DriftTestTests
{
    [Fact]
    public void ASmallMoveHasASmallPsiAndAHighPValue()
    {
        int[] last = [30, 10, 10];
        int[] trailing = [100, 50, 50];

        // Shares .6 / .2 / .2 against .5 / .25 / .25:
        // PSI = (.6 − .5) ln(.6 / .5) + 2 × (.2 − .25) ln(.2 / .25) = .1 × .182322 + 2 × .05 × .223144 = .040547.
        Assert.Equal(0.1 * Math.Log(1.2) + (2 * 0.05 * -Math.Log(0.8)), DriftTest.Psi(last, trailing), 9);
        Assert.Equal(0.040547, DriftTest.Psi(last, trailing), 6);
        // Column totals 130 / 60 / 60 of 250; expected 26 / 12 / 12 (50 rows) and 104 / 48 / 48 (200 rows):
        // χ² = 4²/26 + 2²/12 + 2²/12 + 4²/104 + 2²/48 + 2²/48 = .615385 + .666667 + .153846 + .166667 = 1.602564;
        // df = (2 − 1)(3 − 1) = 2, p = exp(−1.602564 / 2) = .448753.
        var (chiSquare, df, p) = DriftTest.ChiSquare(last, trailing);
        Assert.Equal(1.602564, chiSquare, 6);
        Assert.Equal(2, df);
        Assert.Equal(0.448753, p, 6);
    }

    [Fact]
    public void AnEmptyCellCountsAsEpsilonInThePsiAndTheChiSquareIsUnchanged()
    {
        int[] last = [0, 25, 25];
        int[] trailing = [50, 25, 25];

        // Shares 0 → ε = .0001 / .5 / .5 against .5 / .25 / .25:
        // PSI = (.0001 − .5) ln(.0001 / .5) + 2 × (.5 − .25) ln(.5 / .25) = 4.257744 + .346574 = 4.604318.
        Assert.Equal(4.604318, DriftTest.Psi(last, trailing), 6);
        // Columns 50 / 50 / 50 of 150: expected 16.667 each (last), 33.333 each (trailing):
        // χ² = 16.667 + 2 × 4.1667 + 8.3333 + 2 × 2.0833 = 37.5; p = exp(−18.75) = 7.194e-9.
        var (chiSquare, df, p) = DriftTest.ChiSquare(last, trailing);
        Assert.Equal(37.5, chiSquare, 9);
        Assert.Equal(2, df);
        Assert.Equal(Math.Exp(-18.75), p, 15);
    }

    [Fact]
    public void ALabelAbsentFromBothSidesDropsItsColumnAndADegreeOfFreedom()
    {
        int[] last = [20, 30, 0];
        int[] trailing = [60, 40, 0];

        // Columns 80 / 70 of 150: expected 26.667 / 23.333 (last), 53.333 / 46.667 (trailing), every deviation
        // 6.667: χ² = 44.444 × (1/26.667 + 1/23.333 + 1/53.333 + 1/46.667) = 44.444 × .120536 = 5.357143;
        // df = 1, p = erfc(√(5.357143 / 2)) = erfc(1.636634) = .020638.
        var (chiSquare, df, p) = DriftTest.ChiSquare(last, trailing);
        Assert.Equal(5.357143, chiSquare, 6);
        Assert.Equal(1, df);
        Assert.Equal(0.020638, p, 5);
    }

    [Fact]
    public void OneLabelOnlyOnBothSidesIsNoDifference()
    {
        var (chiSquare, df, p) = DriftTest.ChiSquare([20, 0, 0], [40, 0, 0]);

        Assert.Equal((0.0, 0, 1.0), (chiSquare, df, p));
        Assert.Equal(0, DriftTest.Psi([20, 0, 0], [40, 0, 0]), 12);
    }

    [Fact]
    public void ATargetDriftsOnlyWithBothAHighPsiAndALowPValueAndEnoughRowsOnEachSide()
    {
        var options = new AlertOptions();
        var runDate = new DateOnly(2026, 3, 5);
        // Shifted: 5 / 40 / 5 against 150 / 20 / 30 → PSI 2.786, χ² 109.6, p 1.6e-24: drift.
        // Too few: the same shares on 10 rows: PSI as large, but under MinCount (20).
        // Noise: 12 / 8 / 5 against 100 / 50 / 50: PSI .029 < .25.
        TrendNight[] nights =
        [
            Night(runDate.AddDays(-1), ("shifted", new LabelCounts(150, 20, 30, 0)),
                ("few", new LabelCounts(150, 20, 30, 0)), ("noise", new LabelCounts(100, 50, 50, 0))),
            Night(runDate, ("shifted", new LabelCounts(5, 40, 5, 0)), ("few", new LabelCounts(1, 8, 1, 0)),
                ("noise", new LabelCounts(12, 8, 5, 0))),
        ];

        var rows = DriftTest.Evaluate(["shifted", "few", "noise", "absent"], nights, runDate, options);

        Assert.Equal(["shifted", "few", "noise"], rows.Select(r => r.Target));
        Assert.Equal(2.785569, rows[0].Psi, 6);
        Assert.Equal(109.639017, rows[0].ChiSquare, 6);
        Assert.True(rows[0].Flagged);
        Assert.False(rows[1].Tested);
        Assert.False(rows[1].Flagged);
        Assert.True(rows[2].Tested);
        Assert.False(rows[2].Flagged);
    }

    [Fact]
    public void TheMinimumCountHoldsOnTheTrailingSideTooAndExactlyTheMinimumIsEnough()
    {
        var options = new AlertOptions();
        var runDate = new DateOnly(2026, 3, 5);
        // The same shift (all favor before, all against now) three ways: a newly watched target with 19 earlier
        // rows, one with exactly 20 on each side, and one with 20 now and 19 before.
        TrendNight[] nights =
        [
            Night(runDate.AddDays(-1), ("new", new LabelCounts(19, 0, 0, 0)), ("edge", new LabelCounts(20, 0, 0, 0)),
                ("short", new LabelCounts(19, 0, 0, 0))),
            Night(runDate, ("new", new LabelCounts(0, 40, 0, 0)), ("edge", new LabelCounts(0, 20, 0, 0)),
                ("short", new LabelCounts(0, 20, 0, 0))),
        ];

        var rows = DriftTest.Evaluate(["new", "edge", "short"], nights, runDate, options);

        Assert.Equal([false, true, false], rows.Select(r => r.Tested));
        Assert.Equal([false, true, false], rows.Select(r => r.Flagged));
    }

    [Fact]
    public void TheAlertsExitCodesAreTheJobsOwn()
    {
        // RunAlerts cannot use Hosting (the layering): it names 0 and 3 itself, and its copies must stay the job's.
        Assert.Equal(0, Stance.Hosting.ExitCodes.Ok);
        Assert.Equal(3, Stance.Hosting.ExitCodes.CompletedWithFailures);
        Assert.Equal(Stance.Hosting.ExitCodes.Ok, RunAlerts.Ok);
        Assert.Equal(Stance.Hosting.ExitCodes.CompletedWithFailures, RunAlerts.CompletedWithFailures);
    }

    private static TrendNight Night(DateOnly date, params (string Target, LabelCounts Counts)[] targets) =>
        new(date, "sha", "model", targets.ToDictionary(t => t.Target, t => t.Counts), []);
}

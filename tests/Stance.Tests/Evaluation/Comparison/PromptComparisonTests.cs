using Stance.Evaluation;
using Stance.Evaluation.Comparison;
using static Stance.Tests.Evaluation.Comparison.ComparisonSamples;

namespace Stance.Tests.Evaluation.Comparison;

/// <summary>A whole comparison: headline deltas, McNemar, targets bootstrapped within their own items, changed
/// items, reproducibility.</summary>
public sealed class PromptComparisonTests
{
    [Fact]
    public void AComparisonHoldsBothScoresTheDeltasInOrderAndMcNemar()
    {
        var items = BBetter();

        var c = Compare(items);

        Assert.Equal(EvalScores.Compute([.. items.Select(i => (i.Gold, i.A))]).FAvg, c.ScoresA.FAvg);
        Assert.Equal(1, c.ScoresB.FAvg);
        Assert.Equal(["F_avg", "macro-F1", "accuracy"], c.Deltas.Select(d => d.Metric));
        Assert.Equal((0.25, 1.0), (c.Deltas[2].A, c.Deltas[2].B));
        Assert.All(c.Deltas, d => Assert.True(d.Delta.Low > 0, $"{d.Metric}: {d.Delta}"));
        Assert.Equal((0, 30), (c.McNemar.OnlyACorrect, c.McNemar.OnlyBCorrect));
        // n = 30, Σ_{k=0}^{0} C(30, k) = 1: p = 2 / 2^30.
        Assert.Equal(2 / Math.Pow(2, 30), c.McNemar.PValue, 15);
        Assert.Equal(30, c.Changed.Count);
        Assert.Equal((PromptComparison.DefaultResamples, PromptComparison.DefaultSeed), (c.Resamples, c.Seed));
        Assert.Equal((2000, 20161), (c.Resamples, c.Seed));
        Assert.Equal(c.Deltas[0].Delta, c.Overall.Delta);
        Assert.Equal(c.Deltas[0].A, c.Overall.A.Value);
    }

    [Fact]
    public void EachTargetIsBootstrappedWithinItsOwnItems()
    {
        var items = Noisy(90);
        // NATO's items get identical predictions: its delta is exactly 0, whatever the other targets do.
        items = [.. items.Select(i => i.Target == "NATO" ? i with { B = i.A } : i)];

        var c = Compare(items);

        Assert.Equal(["EU", "NATO", "climate"], c.Targets.Select(t => t.Target));
        Assert.Equal([30, 30, 30], c.Targets.Select(t => t.Count));
        Assert.Equal(new Estimate(0, 0, 0), c.Targets[1].Delta);
        var eu = items.Where(i => i.Target == "EU").ToList();
        var alone = PairedBootstrap.Run(eu, [ComparisonMetric.FAvg], 2000, PromptComparison.DefaultSeed)[0];
        Assert.Equal((alone.A, alone.B, alone.Delta), (c.Targets[0].A, c.Targets[0].B, c.Targets[0].Delta));
    }

    [Fact]
    public void TheSameInputsGiveTheSameComparisonAndAnotherSeedOtherBounds()
    {
        var items = Noisy(240);

        var first = Compare(items);
        var again = Compare(items);
        var other = PromptComparison.Compute("x", "gold.jsonl", PromptA, PromptB, items, seed: 7);

        Assert.Equal(first.Deltas, again.Deltas);
        Assert.Equal(first.Targets, again.Targets);
        Assert.Equal(first.McNemar, again.McNemar);
        Assert.NotEqual(first.Deltas[0].Delta, other.Deltas[0].Delta);
        Assert.Equal(first.Deltas[0].Delta.Value, other.Deltas[0].Delta.Value);
    }

    [Fact]
    public void FewerThan2000ResamplesAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => PromptComparison.Compute("x", "gold.jsonl", PromptA, PromptB, Swapped(), resamples: 1999));
    }

    [Fact]
    public void IdenticalPromptsChangeNothing()
    {
        var c = Compare([.. Noisy(30).Select(i => i with { B = i.A })]);

        Assert.Empty(c.Changed);
        Assert.Equal(new McNemarResult(0, 0, 1), c.McNemar);
        Assert.All(c.Deltas, d => Assert.Equal(new Estimate(0, 0, 0), d.Delta));
    }
}

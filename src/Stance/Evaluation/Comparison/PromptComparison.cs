namespace Stance.Evaluation.Comparison;

/// <summary>Two prompts compared on the same gold items (issue #17): both sets of scores, the differences B − A with
/// their paired bootstrap intervals, McNemar's exact test, F_avg per target and the items whose label
/// changed.</summary>
/// <param name="ComparisonId">The comparison's id (names its HTML page).</param>
/// <param name="GoldPath">The gold file.</param>
/// <param name="PromptA">The configured prompt.</param>
/// <param name="PromptB">The compared prompt.</param>
/// <param name="ScoresA">The scores of A on all items.</param>
/// <param name="ScoresB">The scores of B on all items.</param>
/// <param name="Deltas">F_avg, macro-F1 and accuracy, in that order.</param>
/// <param name="McNemar">McNemar's exact test on per-item correctness.</param>
/// <param name="Targets">F_avg per target, targets in ordinal order.</param>
/// <param name="Changed">The items where A ≠ B, ordered by <see cref="ChangedItems.Order"/>.</param>
/// <param name="Resamples">The bootstrap resamples.</param>
/// <param name="Seed">The bootstrap seed.</param>
internal sealed record PromptComparison(
    string ComparisonId,
    string GoldPath,
    ComparedPrompt PromptA,
    ComparedPrompt PromptB,
    EvalScores ScoresA,
    EvalScores ScoresB,
    IReadOnlyList<MetricDelta> Deltas,
    McNemarResult McNemar,
    IReadOnlyList<TargetDelta> Targets,
    IReadOnlyList<ComparedItem> Changed,
    int Resamples,
    int Seed)
{
    /// <summary>The default bootstrap resamples (also the fewest accepted).</summary>
    public const int DefaultResamples = PairedBootstrap.MinimumResamples;

    /// <summary>The default bootstrap seed (<see cref="PairedBootstrap.DefaultSeed"/>).</summary>
    public const int DefaultSeed = PairedBootstrap.DefaultSeed;

    /// <summary>F_avg over all items for A, B and B − A with intervals from the same resamples as
    /// <see cref="Deltas"/> (target <see cref="TargetDelta.AllItems"/>).</summary>
    public required TargetDelta Overall { get; init; }

    /// <summary>Compares the predictions of <paramref name="a"/> and <paramref name="b"/> on
    /// <paramref name="items"/>. Each target is bootstrapped within its own items with its own
    /// <c>Random(seed)</c>, so a target's intervals do not depend on the other targets in the gold file.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="resamples"/> is below
    /// <see cref="PairedBootstrap.MinimumResamples"/>.</exception>
    public static PromptComparison Compute(
        string comparisonId,
        string goldPath,
        ComparedPrompt a,
        ComparedPrompt b,
        IReadOnlyList<ComparedItem> items,
        int resamples = DefaultResamples,
        int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(comparisonId);
        ArgumentNullException.ThrowIfNull(goldPath);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, PairedBootstrap.MinimumResamples);

        var (overall, scoresA, scoresB) = PairedBootstrap.RunWithScores(items, ComparisonMetric.All, resamples, seed);
        var fAvg = overall.Single(e => e.Metric == ComparisonMetric.FAvg.Name);
        var targets = items
            .GroupBy(item => item.Target, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group =>
            {
                var own = group.ToList();
                var f = PairedBootstrap.Run(own, [ComparisonMetric.FAvg], resamples, seed)[0];
                return new TargetDelta(group.Key, own.Count, f.A, f.B, f.Delta);
            })
            .ToList();

        return new PromptComparison(
            comparisonId,
            goldPath,
            a,
            b,
            scoresA,
            scoresB,
            [.. overall.Select(e => new MetricDelta(e.Metric, e.A.Value, e.B.Value, e.Delta))],
            Comparison.McNemar.Test(items),
            targets,
            ChangedItems.Order(items),
            resamples,
            seed)
        {
            Overall = new TargetDelta(TargetDelta.AllItems, items.Count, fAvg.A, fAvg.B, fAvg.Delta),
        };
    }
}

namespace Stance.Evaluation.Comparison;

/// <summary>A metric compared between two prompts: its name and how it is read from <see cref="EvalScores"/>.</summary>
/// <param name="Name">The metric's name as the report prints it.</param>
/// <param name="Of">Reads the metric from the scores of one prompt.</param>
internal sealed record ComparisonMetric(string Name, Func<EvalScores, double> Of)
{
    /// <summary>F_avg: the mean of F1 favor and F1 against (SemEval-2016 Task 6).</summary>
    public static readonly ComparisonMetric FAvg = new("F_avg", s => s.FAvg);

    /// <summary>The mean F1 of the three classes.</summary>
    public static readonly ComparisonMetric MacroF1 = new("macro-F1", s => s.MacroF1);

    /// <summary>The share of items whose predicted label is the gold label.</summary>
    public static readonly ComparisonMetric Accuracy = new("accuracy", s => s.Accuracy);

    /// <summary>The headline metrics, in report order.</summary>
    public static readonly IReadOnlyList<ComparisonMetric> All = [FAvg, MacroF1, Accuracy];
}

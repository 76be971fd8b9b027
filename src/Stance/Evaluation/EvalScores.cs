namespace Stance.Evaluation;

/// <summary>Stance metrics over (gold, predicted) label pairs, labels favor | against | none, as in SemEval-2016 Task
/// 6.</summary>
internal sealed record EvalScores(
    int Count,
    double FAvg,
    double MacroF1,
    double Accuracy,
    IReadOnlyDictionary<string, ClassScores> Classes,
    int[,] Confusion)
{
    /// <summary>The labels, in confusion-matrix order.</summary>
    public static readonly IReadOnlyList<string> Labels = ["favor", "against", "none"];

    /// <summary>Computes the scores. F1 of a class is 0 when its precision and recall are both 0 or undefined (a class
    /// that is never predicted and never gold scores 0, as the official script does).</summary>
    public static EvalScores Compute(IReadOnlyList<(string Gold, string Predicted)> pairs)
    {
        var confusion = new int[3, 3];
        foreach (var (gold, predicted) in pairs)
        {
            confusion[Index(gold), Index(predicted)]++;
        }

        var classes = new Dictionary<string, ClassScores>(StringComparer.Ordinal);
        for (var c = 0; c < 3; c++)
        {
            var tp = confusion[c, c];
            var predictedCount = Enumerable.Range(0, 3).Sum(g => confusion[g, c]);
            var goldCount = Enumerable.Range(0, 3).Sum(p => confusion[c, p]);
            var precision = predictedCount == 0 ? 0 : (double)tp / predictedCount;
            var recall = goldCount == 0 ? 0 : (double)tp / goldCount;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            classes[Labels[c]] = new ClassScores(precision, recall, f1, goldCount, predictedCount);
        }

        var correct = Enumerable.Range(0, 3).Sum(c => confusion[c, c]);
        return new EvalScores(
            pairs.Count,
            (classes["favor"].F1 + classes["against"].F1) / 2,
            classes.Values.Average(c => c.F1),
            pairs.Count == 0 ? 0 : (double)correct / pairs.Count,
            classes,
            confusion);
    }

    /// <summary>The position of a label; anything but favor and against is none.</summary>
    public static int Index(string label) => label switch
    {
        "favor" => 0,
        "against" => 1,
        _ => 2,
    };
}

/// <summary>One class's precision, recall and F1, with its gold and predicted counts.</summary>
internal sealed record ClassScores(double Precision, double Recall, double F1, int Gold, int Predicted);

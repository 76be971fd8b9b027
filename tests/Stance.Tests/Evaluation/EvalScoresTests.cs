using Stance.Evaluation;

namespace Stance.Tests.Evaluation;

/// <summary>The metric code against cases computed by hand.</summary>
public sealed class EvalScoresTests
{
    [Fact]
    public void AMixedCaseMatchesTheHandComputedFigures()
    {
        // gold → predicted: favor→favor, favor→against, against→against ×2, none→favor, none→none
        // favor: P 1/2, R 1/2, F1 .5 · against: P 2/3, R 1, F1 .8 · none: P 1, R 1/2, F1 2/3
        var scores = EvalScores.Compute(
        [
            ("favor", "favor"), ("favor", "against"), ("against", "against"), ("against", "against"),
            ("none", "favor"), ("none", "none"),
        ]);

        Assert.Equal(0.65, scores.FAvg, 10);
        Assert.Equal((0.5 + 0.8 + (2.0 / 3)) / 3, scores.MacroF1, 10);
        Assert.Equal(4.0 / 6, scores.Accuracy, 10);
        Assert.Equal(new[,] { { 1, 1, 0 }, { 0, 2, 0 }, { 1, 0, 1 } }, scores.Confusion);
        Assert.Equal((0.5, 0.5), (scores.Classes["favor"].Precision, scores.Classes["favor"].Recall));
    }

    [Fact]
    public void AClassThatNeverOccursScoresZeroAndDoesNotBreakTheMean()
    {
        // favor is neither gold nor predicted: its F1 is 0 (no division by zero), so F_avg = (0 + F1 against) / 2.
        var scores = EvalScores.Compute([("against", "against"), ("none", "against"), ("none", "none")]);

        Assert.Equal(0, scores.Classes["favor"].F1);
        Assert.Equal(2.0 / 3, scores.Classes["against"].F1, 10);
        Assert.Equal(1.0 / 3, scores.FAvg, 10);
        Assert.Equal(2.0 / 3, scores.Accuracy, 10);
    }

    [Fact]
    public void PerfectPredictionsScoreOne()
    {
        var scores = EvalScores.Compute([("favor", "favor"), ("against", "against"), ("none", "none")]);

        Assert.Equal((1.0, 1.0, 1.0), (scores.FAvg, scores.MacroF1, scores.Accuracy));
    }

    [Fact]
    public void NoItemsScoreZeroWithoutThrowing()
    {
        var scores = EvalScores.Compute([]);

        Assert.Equal((0, 0.0, 0.0), (scores.Count, scores.FAvg, scores.Accuracy));
    }

    [Fact]
    public void GoldFilesInSemEvalStyleAreRead()
    {
        using var folder = new Stance.Tests.Support.TempFolder();
        var path = folder.File("gold.jsonl",
            "{\"id\": 10001, \"target\": \"Atheism\", \"text\": \"God is love.\", \"label\": \"AGAINST\"}\n" +
            "{\"target\": \"Climate\", \"text\": \"Act now.\", \"label\": \"Favor\"}\n" +
            "{\"id\": \"x\", \"target\": \"Climate\", \"text\": \"?\", \"label\": \"maybe\"}\n" +
            "not json\n");

        var (items, problems) = EvalRunner.ReadGold(path);

        Assert.Equal([("10001", "against"), ("gold.jsonl#2", "favor")], items.Select(i => (i.Id!, i.Label)));
        Assert.Equal(2, problems.Count);
    }
}

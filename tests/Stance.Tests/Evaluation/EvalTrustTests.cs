using Stance.Evaluation;

namespace Stance.Tests.Evaluation;

/// <summary>The evaluation page writes figures as the console does.</summary>
public sealed class EvalTrustTests
{
    [Fact]
    public void RowsWithoutAConfidenceGiveAPageThatSaysUndefinedNotNaN()
    {
        var rows = new[] { Row("1", "favor", "favor"), Row("2", "against", "against"), Row("3", "none", "favor") };
        var figures = new EvalTrust(new EvalOptions()).Measure([(string.Empty, rows)], []);

        var page = EvalTrust.Page("gold.jsonl", figures);

        Assert.Contains("self-reported confidence: ECE undefined, Brier undefined, 0 items", page);
        Assert.DoesNotContain("NaN", page);
        Assert.DoesNotContain("-0.0000", page);
    }

    private static EvalRow Row(string id, string gold, string predicted) => new()
    {
        RunId = "r",
        RunDate = new DateOnly(2024, 1, 1),
        Id = id,
        Target = "t",
        Text = "text " + id,
        GoldLabel = gold,
        PredictedLabel = predicted,
        Status = "ok",
        Provider = "openai",
        Model = "m",
        PromptSha256 = "sha",
        Prompt = "stance",
        FromCache = false,
        Repeat = 0,
    };
}

using System.Globalization;
using Stance.Hosting;
using Stance.Paragraphs;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring;

/// <summary><c>label_probability</c>: each stance label's probability from the answer's token log-probabilities, asked
/// for where the provider has them, recorded on the answer, in both tables and in the journal.</summary>
public sealed class LabelProbabilityTests : JobTestBase
{
    private const string Text = "The U.S. was wrong to leave, and Russia was right to stay.";

    private const string Answer =
        "{\"sentiment_label\":\"neutral\",\"sentiment_score\":0,\"main_target\":\"Russia\",\"stance_label\":\"favor\","
        + "\"stance_score\":0.5,\"confidence\":0.7,\"rationale\":\"r\",\"targets\":["
        + "{\"target\":\"United States\",\"mention\":\"The U.S.\",\"stance_label\":\"against\",\"stance_score\":-0.5,"
        + "\"confidence\":0.7,\"evidence\":\"The U.S. was wrong to leave\"},"
        + "{\"target\":\"Russia\",\"mention\":\"Russia\",\"stance_label\":\"favor\",\"stance_score\":0.5,"
        + "\"confidence\":0.8,\"evidence\":\"Russia was right to stay\"}]}";

    private static readonly Paragraph s_paragraph = new("d", null, "d.txt", 0, "p1", "sha", Text, null);

    [Fact]
    public async Task EachStanceLabelGetsTheProbabilityItsTokensWereWrittenWith()
    {
        Server.Responder = _ => Reply.Answer(Answer) with { LabelProbabilities = [0.8, 0.6, 0.3] };
        using var host = ScorerHost.Create(Server, ["--model", "gpt-4o-mini"]);

        var outcome = await host.Scorer.ScoreAsync(s_paragraph, CancellationToken.None);

        Assert.True(Assert.Single(Server.Requests).Json["logprobs"]!.GetValue<bool>());
        var answer = outcome.Answer!;
        // Read as written (double precision), not through the SDK's single-precision float.
        Assert.Equal(0.8, answer.LabelProbability!.Value, 12);
        Assert.Equal(0.6, answer.Targets.Single(t => t.Target == "United States").LabelProbability!.Value, 12);
        Assert.Equal(0.3, answer.Targets.Single(t => t.Target == "Russia").LabelProbability!.Value, 12);
    }

    [Theory]
    [InlineData("o3-mini", null)]
    [InlineData("gpt-5", null)]
    [InlineData("gpt-4o-mini", "false")]
    public async Task AModelThatRefusesLogprobsOrAJobThatTurnsThemOffAsksForNoneAndRecordsNoProbability(
        string model, string? setting)
    {
        Server.Responder = _ => Reply.Answer(Answer);
        string[] off = setting is null ? [] : [$"--Stance:Llm:Logprobs={setting}"];
        using var host = ScorerHost.Create(Server, ["--model", model, .. off]);

        var outcome = await host.Scorer.ScoreAsync(s_paragraph, CancellationToken.None);

        Assert.Null(Assert.Single(Server.Requests).Json["logprobs"]);
        Assert.Null(outcome.Answer!.LabelProbability);
        Assert.All(outcome.Answer.Targets, t => Assert.Null(t.LabelProbability));
    }

    [Fact]
    public async Task TheProbabilitiesReachBothTablesAndSurviveTheJournal()
    {
        File.WriteAllText(Path.Combine(Input, "a.txt"), "Headline\n\n" + Text);
        Server.Responder = _ => Reply.Answer(Answer) with { LabelProbabilities = [0.8, 0.6, 0.3] };

        var first = await RunAsync();
        // A fresh output, the same journal: the answer comes from the cache with its probabilities.
        var again = await RunAsync("--output", Path.Combine(Folder.Path, "again"));

        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.Single(Server.Requests);
        foreach (var output in (string[])[Output, Path.Combine(Folder.Path, "again")])
        {
            var paragraph = DuckDb.Query(
                $"SELECT label_probability AS p FROM read_parquet('{output}/paragraphs/**/*.parquet')");
            Assert.Equal(0.8, Convert.ToDouble(Assert.Single(paragraph)["p"], CultureInfo.InvariantCulture), 6);
            var targets = DuckDb.Query(
                $"SELECT target, label_probability AS p FROM read_parquet('{output}/targets/**/*.parquet') "
                + "ORDER BY target");
            Assert.Equal(["Russia", "United States"], targets.Select(t => (string)t["target"]!));
            Assert.Equal(0.3, Convert.ToDouble(targets[0]["p"], CultureInfo.InvariantCulture), 6);
            Assert.Equal(0.6, Convert.ToDouble(targets[1]["p"], CultureInfo.InvariantCulture), 6);
        }
    }

    private Task<RunResult> RunAsync(params string[] extra) => StanceRunner.RunAsync(
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
        "--endpoint", Server.Endpoint, "--model", "gpt-4o-mini", "--Stance:Llm:ApiKey=test-key",
        "--Stance:Journal=" + Path.Combine(Folder.Path, "journal.db"), .. extra,
    ]);
}

using System.Globalization;
using System.Text.RegularExpressions;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Evaluation;

/// <summary><c>--eval</c> end to end: the printed F_avg equals the one computed from the predictions written.</summary>
public sealed partial class EvalRunTests
{
    [Fact]
    public async Task TheBundledGoldSetIsScoredAndThePrintedFAvgMatchesTheWrittenPredictions()
    {
        using var folder = new TempFolder();
        var gold = Path.Combine(RepoPaths.Data, "gold", "stance-gold.jsonl");

        await StanceRunner.RunWithConsoleAsync(
            ["--eval", gold, "--output", folder.Path, "--prompts", RepoPaths.Prompts]);
        // This run replaces the first.
        var run = await StanceRunner.RunWithConsoleAsync(
            ["--eval", gold, "--output", folder.Path, "--prompts", RepoPaths.Prompts]);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Console + run.Log);
        var printed = double.Parse(FAvg().Match(run.Console).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Contains("confusion (rows gold, columns predicted)", run.Console);
        Assert.Contains("NATO", run.Console);

        // F_avg recomputed from the Parquet with SQL, independently of the job's metric code.
        var table = $"read_parquet('{folder.Path}/eval/**/*.parquet', hive_partitioning = true)";
        var f = DuckDb.Query($"""
            WITH c AS (
              SELECT l,
                     count(*) FILTER (WHERE gold_label = l AND predicted_label = l) AS tp,
                     count(*) FILTER (WHERE predicted_label = l) AS predicted,
                     count(*) FILTER (WHERE gold_label = l) AS gold
              FROM {table}, (VALUES ('favor'), ('against')) v(l) GROUP BY l),
            f AS (SELECT CASE WHEN tp = 0 THEN 0 ELSE 2.0 * tp / (predicted + gold) END AS f1 FROM c)
            SELECT avg(f1) AS f_avg, (SELECT count(*) FROM {table}) AS n FROM f
            """)[0];
        Assert.Equal(20L, f["n"]);
        Assert.Equal(Math.Round(Convert.ToDouble(f["f_avg"], CultureInfo.InvariantCulture), 4), printed, 4);
        var columns = DuckDb.Query($"DESCRIBE SELECT * FROM {table}")
            .Select(r => (string)r["column_name"]!)
            .ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "id", "target", "gold_label", "predicted_label", "stance_score", "confidence", "provider", "model",
                "prompt_sha256",
            },
            columns);
    }

    [Fact]
    public async Task AGoldTargetThatIsNotWatchedIsStillAskedAbout()
    {
        await using var server = await OpenAiTestServer.StartAsync();
        using var folder = new TempFolder();
        var gold = folder.File(
            "gold.jsonl",
            "{\"id\":\"n1\",\"target\":\"NATO\",\"text\":\"NATO has been useless in this crisis.\"," +
            "\"label\":\"against\"}\n");
        // One answer, its long lines split where one raw literal ends and the next begins (the text is unchanged).
        server.Responder = _ => Reply.Answer("""
            {"sentiment_label":"negative","sentiment_score":-0.6,"main_target":"NATO","stance_label":"against",
            """ + """
            "stance_score":-0.7,"confidence":0.8,
             "rationale":"Calls NATO useless.","targets":[{"target":"NATO","mention":"NATO","stance_label":"against",
            """ + """
            "stance_score":-0.7,"confidence":0.8,"evidence":"NATO has been useless"}]}
            """);

        var run = await StanceRunner.RunWithConsoleAsync([
            "--eval", gold, "--output", folder.Path, "--prompts", RepoPaths.Prompts, "--provider", "openai",
            "--endpoint", server.Endpoint, "--Stance:Llm:ApiKey=k"]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("- NATO: NATO (asked about specifically", Assert.Single(server.Requests).Message("system"));
        Assert.Contains("F_avg: 0.5000", run.Console); // F1 against 1, F1 favor 0 (never occurs)
        Assert.Equal(
            "against",
            DuckDb.Query(
                $"SELECT predicted_label FROM read_parquet('{folder.Path}/eval/**/*.parquet')")[0]["predicted_label"]);
    }

    [GeneratedRegex(@"F_avg: (\d+\.\d+)")]
    private static partial Regex FAvg();
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stance.Evaluation.Agreement;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Evaluation;

/// <summary><c>--eval</c> reports calibration and agreement, and <c>--repeat k</c> scores the gold items again
/// bypassing the cache, against the test server whose answers are known: the evaluation is right on every item with
/// a self-reported confidence of 0.9 and a label probability of 0.6; the repeats, at temperature 0.7, are wrong on the
/// first five items.</summary>
public sealed partial class EvalTrustRunTests
{
    [Fact]
    public async Task CalibrationAndAgreementHaveTheHandComputedValuesAndRepeatsBypassTheCache()
    {
        using var folder = new TempFolder();
        var gold = Path.Combine(RepoPaths.Data, "gold", "stance-gold.jsonl");
        var items = File.ReadAllLines(gold).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();
        await using var server = await OpenAiTestServer.StartAsync();
        server.Responder = request =>
        {
            var index = items.FindIndex(i => i["text"]!.GetValue<string>() == request.Paragraph);
            var repeat = request.Json["temperature"]?.GetValue<double>() > 0.5;
            var answer = GoldAnswers.For(request.Paragraph, items[index], right: !repeat || index >= 5, 0.9);
            return Reply.Answer(answer) with { LabelProbabilities = [0.6] };
        };
        string[] args =
        [
            "--eval", gold, "--output", Path.Combine(folder.Path, "out"), "--prompts", RepoPaths.Prompts,
            "--provider", "openai", "--model", "gpt-4o-mini", "--endpoint", server.Endpoint, "--Stance:Llm:ApiKey=k",
            "--repeat", "2", "--Stance:Evaluation:RepeatTemperature=0.7",
        ];

        var run = await StanceRunner.RunWithConsoleAsync(args);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Console + run.Log);
        Assert.Equal(60, server.Requests.Count);
        // Every item right at confidence 0.9: ECE |1 - 0.9| = 0.1, Brier (0.9 - 1)^2 = 0.01; at probability 0.6:
        // ECE 0.4, Brier 0.16.
        Assert.Contains("ECE (self-reported confidence): 0.1000", run.Console);
        Assert.Contains("Brier (self-reported confidence): 0.0100", run.Console);
        Assert.Contains("ECE (label_probability): 0.4000", run.Console);
        Assert.Contains("Brier (label_probability): 0.1600", run.Console);
        Assert.Matches(@"Cohen's kappa \(model vs gold\): 1\.0000", run.Console);
        // The gold labels are 9 against, 8 favor, 3 none; the repeats flip the first five (against, favor, favor,
        // against, against). Alpha over the 3 runs: each flipped item has 4 disagreeing ordered pairs of weight
        // 1/(3-1), so D_o = 5 * 2 = 10 of n = 60 values; the values are 26 favor, 25 against, 9 none, so
        // D_e = 2 (26 * 25 + 26 * 9 + 25 * 9) / 59 = 2218 / 59; alpha = 1 - 10 * 59 / 2218 = 0.7340.
        Assert.Contains("Krippendorff's alpha (3 runs of the prompt): 0.7340", run.Console);
        // Kappa of the evaluation against its first repeat: p_o = 15 / 20; the margins are (9, 8, 3) and (8, 9, 3)
        // for (against, favor, none), so p_e = (72 + 72 + 9) / 400 = 0.3825; kappa = 0.3675 / 0.6175 = 0.5951.
        Assert.Contains("Cohen's kappa (run 1 vs repeat 1): 0.5951", run.Console);
        var kappa = double.Parse(
            RepeatKappa().Match(run.Console).Groups[1].Value, CultureInfo.InvariantCulture);
        var table = $"read_parquet('{folder.Path}/out/eval/**/*.parquet', hive_partitioning = true)";
        var rows = DuckDb.Query($"SELECT repeat, id, predicted_label, gold_label FROM {table} ORDER BY repeat, id");
        Assert.Equal(60, rows.Count);
        Assert.Equal([0L, 1L, 2L], rows.Select(r => Convert.ToInt64(r["repeat"], CultureInfo.InvariantCulture))
            .Distinct());
        // Cohen's kappa of run 1 against repeat 1, recomputed here from the rows written: they differ on 5 items and
        // give the printed kappa.
        var first = rows.Where(r => Convert.ToInt64(r["repeat"], CultureInfo.InvariantCulture) == 0).ToList();
        var second = rows.Where(r => Convert.ToInt64(r["repeat"], CultureInfo.InvariantCulture) == 1).ToList();
        Assert.Equal(first.Select(r => r["id"]), second.Select(r => r["id"]));
        List<(string A, string B)> pairs =
            [.. first.Zip(second, (x, y) => ((string)x["predicted_label"]!, (string)y["predicted_label"]!))];
        Assert.Equal(5, pairs.Count(p => p.A != p.B));
        Assert.Equal(0.5951, Cohen.Kappa(pairs), 4);
        Assert.Equal(0.5951, kappa, 4);
        var page = File.ReadAllText(Assert.Single(
            Directory.GetFiles(Path.Combine(folder.Path, "out"), "eval-*.html", SearchOption.AllDirectories)));
        Assert.Contains("<svg", page);
        Assert.Contains("ECE 0.1000, Brier 0.0100", page);
        Assert.Contains("<td>Cohen&#39;s kappa</td><td>run 1 vs repeat 1</td>", page);

        // Again: the evaluation comes from the cache, the repeats are asked afresh.
        var again = await StanceRunner.RunWithConsoleAsync(args);

        Assert.True(again.ExitCode == ExitCodes.Ok, again.Console + again.Log);
        Assert.Equal(100, server.Requests.Count);
        // Had a repeat been journaled, its wrong answers would have replaced the evaluation's cached ones.
        Assert.Contains("Cohen's kappa (model vs gold): 1.0000", again.Console);
        var cached = DuckDb.Query(
            $"SELECT repeat, bool_and(from_cache) AS all_cached, bool_or(from_cache) AS any_cached FROM {table} "
            + "GROUP BY repeat ORDER BY repeat");
        Assert.Equal([true, false, false], cached.Select(r => (bool)r["all_cached"]!));
        Assert.Equal([true, false, false], cached.Select(r => (bool)r["any_cached"]!));
    }

    [GeneratedRegex(@"Cohen's kappa \(run 1 vs repeat 1\): (-?\d+\.\d+)")]
    private static partial Regex RepeatKappa();
}

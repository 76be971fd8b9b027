using System.Globalization;
using System.Text.Json.Nodes;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Evaluation;

/// <summary><c>--eval gold --compare B</c> end to end against the test server, with two prompt folders whose answers
/// differ in a known way: A is right on the first ten gold items only, B on all but the first two.</summary>
public sealed class CompareRunTests
{
    private const string VariantMarker = "VARIANT-B";

    [Fact]
    public async Task TwoPromptsAreComparedWithTheFiguresAHandCountGivesAndARepeatCostsNothing()
    {
        using var folder = new TempFolder();
        var gold = Path.Combine(RepoPaths.Data, "gold", "stance-gold.jsonl");
        var items = File.ReadAllLines(gold).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();
        var promptB = Path.Combine(folder.Path, "prompts-b", "stance");
        Directory.CreateDirectory(promptB);
        foreach (var file in Directory.GetFiles(RepoPaths.StancePrompt))
        {
            File.Copy(file, Path.Combine(promptB, Path.GetFileName(file)));
        }

        var template = Path.Combine(promptB, "skprompt.txt");
        var text = File.ReadAllText(template);
        File.WriteAllText(
            template, text.Insert(text.IndexOf("</message>", StringComparison.Ordinal), VariantMarker + "\n"));
        await using var server = await OpenAiTestServer.StartAsync();
        server.Responder = request =>
        {
            var index = items.FindIndex(i => i["text"]!.GetValue<string>() == request.Paragraph);
            var isB = request.Message("system").Contains(VariantMarker, StringComparison.Ordinal);
            var right = isB ? index >= 2 : index < 10;
            return Reply.Answer(GoldAnswers.For(request.Paragraph, items[index], right));
        };
        string[] args =
        [
            "--eval", gold, "--compare", promptB, "--output", Path.Combine(folder.Path, "out"),
            "--prompts", RepoPaths.Prompts, "--provider", "openai", "--endpoint", server.Endpoint,
            "--Stance:Llm:ApiKey=k",
        ];

        var run = await StanceRunner.RunWithConsoleAsync(args);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Console + run.Log);
        Assert.Equal(40, server.Requests.Count);
        // McNemar by hand: A alone right on items 1-2, B alone right on 11-20; p = 2 (1 + 12 + 66) / 2^12.
        Assert.Contains("only A right 2, only B right 10, p = 0.0386", run.Console);
        Assert.Contains("2000 resamples", run.Console);
        var table = $"read_parquet('{folder.Path}/out/eval/**/*.parquet', hive_partitioning = true)";
        var sides = DuckDb.Query($"""
            SELECT prompt_sha256, count(*) AS n, avg(CASE WHEN predicted_label = gold_label THEN 1.0 ELSE 0 END) AS acc,
                   count(DISTINCT comparison_id) AS comparisons, bool_or(from_cache) AS cached
            FROM {table} GROUP BY prompt_sha256 ORDER BY acc
            """);
        Assert.Equal(2, sides.Count);
        Assert.Equal([20L, 20L], sides.Select(s => s["n"]));
        Assert.Equal(0.5, Convert.ToDouble(sides[0]["acc"], CultureInfo.InvariantCulture), 6);
        Assert.Equal(0.9, Convert.ToDouble(sides[1]["acc"], CultureInfo.InvariantCulture), 6);
        Assert.All(sides, s => Assert.Equal(1L, s["comparisons"]));
        Assert.All(sides, s => Assert.Equal(false, s["cached"]));
        var page = Assert.Single(Directory.GetFiles(Path.Combine(folder.Path, "out"), "compare-*.html",
            SearchOption.AllDirectories));
        // The page ends with the calibration and agreement of both prompts, before the end of its body.
        var html = File.ReadAllText(page);
        var section = html.IndexOf("<h2>Calibration on ", StringComparison.Ordinal);
        Assert.True(section > html.IndexOf("<table class=\"changed\">", StringComparison.Ordinal), html);
        Assert.Contains("<table class=\"agreement\">", html[section..]);
        Assert.Contains("<td>Krippendorff&#39;s alpha</td><td>prompt A vs B</td>", html[section..]);
        Assert.Contains("<td>Cohen&#39;s kappa</td><td>prompt A vs B</td>", html[section..]);
        Assert.True(
            html.IndexOf("<h3>Prompt A</h3>", section, StringComparison.Ordinal) is var a && a > section
            && html.IndexOf("<h3>Prompt B</h3>", a, StringComparison.Ordinal) > a,
            html[section..]);
        Assert.EndsWith("</body></html>\n", html, StringComparison.Ordinal);

        // The same two prompts again: every answer comes from the journal.
        var again = await StanceRunner.RunWithConsoleAsync(args);

        Assert.True(again.ExitCode == ExitCodes.Ok, again.Console + again.Log);
        Assert.Equal(40, server.Requests.Count);
        Assert.Contains("only A right 2, only B right 10, p = 0.0386", again.Console);
        Assert.Equal(
            40L,
            DuckDb.Query($"SELECT count(*) FILTER (WHERE from_cache) AS n FROM {table}")[0]["n"]);
    }

    [Fact]
    public async Task ACompareFolderThatIsNotAPromptStopsBeforeAnyCall()
    {
        using var folder = new TempFolder();
        await using var server = await OpenAiTestServer.StartAsync();

        var run = await StanceRunner.RunWithConsoleAsync([
            "--eval", Path.Combine(RepoPaths.Data, "gold", "stance-gold.jsonl"),
            "--compare", Path.Combine(folder.Path, "nowhere"), "--output", Path.Combine(folder.Path, "out"),
            "--prompts", RepoPaths.Prompts, "--provider", "openai", "--endpoint", server.Endpoint,
            "--Stance:Llm:ApiKey=k"]);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains("the prompt folder does not exist", run.Log);
        Assert.Empty(server.Requests);
    }
}

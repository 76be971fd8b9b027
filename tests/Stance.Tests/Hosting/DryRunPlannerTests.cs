using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Stance.Documents;
using Stance.Hosting;
using Stance.Paragraphs;
using Stance.Scoring;
using Stance.Tests.Support;

namespace Stance.Tests.Hosting;

/// <summary>The dry-run plan over a feed larger than it lists, and the fixed-memory set of requests it counts
/// once.</summary>
public sealed class DryRunPlannerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task APlanOfManyDocumentsListsTheFirstOnesAndSumsTheRestWithExactTotals()
    {
        var input = Path.Combine(_folder.Path, "in");
        Directory.CreateDirectory(input);
        var feed = new StringBuilder();
        for (var d = 0; d < 250; d++)
        {
            // Documents 200..249 repeat documents 0..49 exactly (same title-less text, no previous paragraph): twins.
            feed.Append(
                CultureInfo.InvariantCulture,
                $"{{\"id\":\"doc-{d:D3}\",\"text\":\"Azerbaijan and Armenia, note {d % 200}.\"}}\n");
        }

        File.WriteAllText(Path.Combine(input, "feed.jsonl"), feed.ToString());

        var run = await StanceRunner.RunWithConsoleAsync(
        [
            "--input", input, "--output", Path.Combine(_folder.Path, "out"), "--prompts", RepoPaths.Prompts,
            "--provider", "openai",
            "--endpoint", "http://127.0.0.1:9/v1", "--dry-run",
        ]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("doc-199", run.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("doc-200", run.Console, StringComparison.Ordinal);
        Assert.Matches(@"… and 50 more documents\s+50\s+50\s+0\s", run.Console);
        var total = Regex.Match(run.Console, @"total \(250 documents, 0 bad\)\s+250\s+50\s+200\s+(\d+)\s");
        Assert.True(total.Success, run.Console);

        // The default model (gpt-4o-mini) counts with o200k_base: each of the 200 requests, the fixed part and its
        // text.
        var estimator = new TokenEstimator(TestAnswers.Prompt, "gpt-4o-mini");
        var paragraphs = ParagraphSource.Stream(input, new InputReport(), ReadOptions.Default).Take(200);
        Assert.Equal("o200k_base", estimator.Method);
        Assert.Equal(
            paragraphs.Sum(p => (long)estimator.PromptTokens(p)),
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("gpt-4o-mini", "o200k_base", "input tokens by o200k_base: counted with the model's tokenizer, plus "
        + "an estimated 3 a message for the chat format")]
    [InlineData("gpt-3.5-turbo", "cl100k_base", "input tokens by cl100k_base: counted with the model's tokenizer")]
    [InlineData("llama-3", "chars/4", "input tokens by chars/4: a rough estimate at 4 characters a token, no tokenizer "
        + "being known for the model")]
    public async Task TheDryRunNamesHowItCountedTheInputTokens(string model, string method, string words)
    {
        var run = await DryRunAsync("--model", model);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains($"USD with --batch ({words}", run.Console, StringComparison.Ordinal);
        Assert.Contains($"input ({method}) and", run.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "none set (Stance:Budget:MaxCost)")]
    [InlineData(1.0, "the plan fits it")]
    [InlineData(0.75, "the plan does not fit it called one by one, it fits with --batch")]
    [InlineData(0.25, "the plan does not fit it, not even with --batch")]
    public async Task TheDryRunShowsTheSyncAndBatchPricesAndWhetherThePlanFitsTheBudget(
        double? share, string verdict)
    {
        // The budget is a share of the synchronous estimate; the batch one is half of it.
        var plan = await DryRunAsync();
        var match = Regex.Match(
            plan.Console, @"estimated cost: ([\d.]+) USD called one by one, ([\d.]+) USD with --batch");
        Assert.True(match.Success, plan.Console);
        var (sync, batch) = (Number(match.Groups[1].Value), Number(match.Groups[2].Value));
        Assert.True(sync > 0);
        Assert.Equal(sync / 2, batch, 5);
        string[] cap = share is { } s
            ? [FormattableString.Invariant($"--Stance:Budget:MaxCost={Math.Round(sync * s, 6)}")]
            : [];

        var run = await DryRunAsync(cap);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var expected = share is { } part
            ? FormattableString.Invariant($"; budget: {Math.Round(sync * part, 6):0.######} USD, {verdict}")
            : $"; budget: {verdict}";
        Assert.Contains(expected, run.Console, StringComparison.Ordinal);
        Assert.Contains($"with --batch{expected}; no call made", run.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSetOfSeenRequestsKnowsWhatItHoldsAndRarelyClaimsWhatItDoesNot()
    {
        var seen = new SeenRequests();
        var falseClaims = 0;
        for (var i = 0; i < 200_000; i++)
        {
            falseClaims += seen.Add(Key(i)) ? 0 : 1;
        }

        Assert.All(Enumerable.Range(0, 1000), i => Assert.False(seen.Add(Key(i * 197))));
        Assert.True(falseClaims <= 2, $"{falseClaims} new requests were taken as seen");
    }

    public void Dispose() => _folder.Dispose();

    private Task<ConsoleRunResult> DryRunAsync(params string[] extra) => StanceRunner.RunWithConsoleAsync(
    [
        "--input", RepoPaths.Data, "--output", Path.Combine(_folder.Path, "out"), "--prompts", RepoPaths.Prompts,
        "--provider", "openai", "--endpoint", "http://127.0.0.1:9/v1", "--dry-run",
        "--Stance:Pricing:InputPerMillion=0.15", "--Stance:Pricing:OutputPerMillion=0.6", .. extra,
    ]);

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Key(int i) => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)));
}

using System.Collections.Concurrent;
using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.Output;

/// <summary>What a run paid, row by row: the cached prompt tokens the provider reports (column
/// <c>cached_input_tokens</c>, priced at <c>Stance:Pricing:CachedInputPerMillion</c>) and the manifest's spend by kind
/// and by main target, which sum to its estimated cost.</summary>
public sealed class RunSpendTests : JobTestBase
{
    private const int SampleParagraphs = 17;

    // Prices per million tokens that make a row's cost a few units, so rounding to six decimals is negligible.
    private const double InputPrice = 150_000;
    private const double CachedPrice = 75_000;
    private const double OutputPrice = 600_000;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        CopyFolder(RepoPaths.Data, Input);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CachedPromptTokensReachTheirColumnAndCostTheCachedPrice(bool batch)
    {
        Server.Batch.RetrievesToFinish = 1;
        Server.Responder = request => Reply.Answer(request.DefaultAnswer()) with { CachedTokens = 100 };

        string[] mode = batch ? ["--batch", "--Stance:Batch:PollInterval=00:00:00.001"] : [];

        var run = await RunAsync(
        [
            "--Stance:Pricing:InputPerMillion=1000000", "--Stance:Pricing:CachedInputPerMillion=500000",
            "--Stance:Pricing:OutputPerMillion=1000000", .. mode,
        ]);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        var rows = DuckDb.Query(
            $"SELECT mode, input_tokens, cached_input_tokens FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.Equal(SampleParagraphs, rows.Count);
        Assert.All(rows, r => Assert.Equal(
            (batch ? "batch" : "sync", 120, 100),
            ((string)r["mode"]!, (int)r["input_tokens"]!, (int)r["cached_input_tokens"]!)));
        // 20 prompt tokens at 1, 100 cached at 0.5, 45 answer tokens at 1; a batch at half the price.
        var share = batch ? 0.5 : 1;
        var manifest = Manifest();
        Assert.Equal(SampleParagraphs * 115 * share, manifest.EstimatedCost);
        Assert.Equal(SampleParagraphs * 100, manifest.Counts.CachedInputTokens);
        Assert.Equal(SampleParagraphs * 50 * share, manifest.SpendByKind![RunTally.Cached]);
        Assert.Equal(manifest.EstimatedCost, manifest.SpendByKind[batch ? RunTally.Batch : RunTally.Sync]);
    }

    [Fact]
    public async Task WithoutACachedPriceCachedPromptTokensCostTheInputPrice()
    {
        Server.Responder = request => Reply.Answer(request.DefaultAnswer()) with { CachedTokens = 100 };

        var run = await RunAsync("--Stance:Pricing:InputPerMillion=1000000", "--Stance:Pricing:OutputPerMillion=0");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.Equal(SampleParagraphs * 120, Manifest().EstimatedCost);
    }

    [Fact]
    public async Task TheSpendByKindAndByTargetSumsToTheEstimatedCostAndTheReportShowsIt()
    {
        // Every third paragraph is answered badly first, so it is asked again.
        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var order = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        Server.Responder = request =>
        {
            var nth = seen.AddOrUpdate(request.Paragraph, 1, (_, n) => n + 1);
            var index = order.GetOrAdd(request.Paragraph, _ => order.Count);
            return index % 3 == 0 && nth == 1
                ? Reply.Answer("{\"broken\":")
                : Reply.Answer(request.DefaultAnswer()) with { CachedTokens = index % 2 == 0 ? 64 : null };
        };

        var run = await RunAsync(
            $"--Stance:Pricing:InputPerMillion={InputPrice}",
            $"--Stance:Pricing:CachedInputPerMillion={CachedPrice}",
            $"--Stance:Pricing:OutputPerMillion={OutputPrice}");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        var manifest = Manifest();
        var byKind = manifest.SpendByKind!;
        var cost = manifest.EstimatedCost;
        Assert.True(cost > 0);
        Assert.Equal(
            [RunTally.FirstAsks, RunTally.RetriesAndReasks, RunTally.Sync, RunTally.Batch, RunTally.Cached],
            byKind.Keys);
        Near(cost, byKind[RunTally.FirstAsks] + byKind[RunTally.RetriesAndReasks]);
        Near(cost, byKind[RunTally.Sync] + byKind[RunTally.Batch]);
        Assert.Equal(0, byKind[RunTally.Batch]);
        Near(cost, manifest.SpendByTarget!.Values.Sum());

        // Each row's cost from its own columns, summed by target and by kind, agrees with the manifest.
        var rows = DuckDb.Query(
            "SELECT coalesce(main_target, '(none)') AS target, attempts, input_tokens, output_tokens, " +
            $"coalesce(cached_input_tokens, 0) AS cached FROM {DuckDb.Table(Output, "paragraphs")}")
            .Select(r => (
                Target: (string)r["target"]!,
                Attempts: (int)r["attempts"]!,
                Cached: (int)r["cached"]!,
                Cost: ((((int)r["input_tokens"]! - (int)r["cached"]!) * InputPrice)
                    + ((int)r["cached"]! * CachedPrice) + ((int)r["output_tokens"]! * OutputPrice)) / 1e6))
            .ToList();
        Assert.Contains(rows, r => r.Attempts == 2);
        Assert.Equal(
            rows.Select(r => r.Target).Distinct().Order(StringComparer.Ordinal),
            manifest.SpendByTarget.Keys.Order(StringComparer.Ordinal));
        foreach (var (target, spend) in manifest.SpendByTarget)
        {
            Near(rows.Where(r => r.Target == target).Sum(r => r.Cost), spend);
        }

        Assert.True(byKind[RunTally.RetriesAndReasks] > 0);
        Near(rows.Sum(r => r.Cost * (r.Attempts - 1) / r.Attempts), byKind[RunTally.RetriesAndReasks]);
        Near(rows.Sum(r => r.Cached * CachedPrice / 1e6), byKind[RunTally.Cached]);

        var report = File.ReadAllText(Directory
            .GetFiles(Path.Combine(Output, "runs"), "*.report.html", SearchOption.AllDirectories).Single());
        Assert.Contains("<h2>Spend</h2>", report, StringComparison.Ordinal);
        Assert.Contains("retries and reasks", report, StringComparison.Ordinal);
        Assert.All(
            manifest.SpendByTarget.Keys,
            target => Assert.Contains($"<td>{System.Net.WebUtility.HtmlEncode(target)}</td>", report));
    }

    // Each amount of the manifest is rounded to six decimals on its own.
    private static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) < 1e-5, $"expected {expected}, got {actual}");

    private Task<RunResult> RunAsync(params string[] extra) => StanceRunner.RunAsync(
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
        "--endpoint", Server.Endpoint, "--model", "test-model", "--Stance:Llm:ApiKey=test-key",
        "--Stance:Resilience:BaseDelay=00:00:00.005", "--Stance:Resilience:MaxDelay=00:00:00.050", .. extra,
    ]);

    private RunManifest Manifest() => RunManifest.Read(Assert.Single(
        Directory.GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)));
}

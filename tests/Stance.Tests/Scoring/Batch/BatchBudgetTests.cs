using Stance.Documents;
using Stance.Hosting;
using Stance.Journal;
using Stance.Output;
using Stance.Paragraphs;
using Stance.Scoring;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Batch;

/// <summary><c>--batch</c> under <c>Stance:Budget:MaxCost</c>: each request file is checked before it is submitted,
/// at its estimate and the batch price, with what the run's batches cost or may cost on top.</summary>
public sealed class BatchBudgetTests : BatchJobTestBase
{
    private const int FileLines = 5;
    private const int MaxTokens = 1200;

    private protected override int RetrievesToFinish => 1;

    [Fact]
    public async Task ARequestFileThatWouldPassTheBudgetIsNotSubmittedNorAnyAfterItAndARerunSubmitsOnlyTheRest()
    {
        var paragraphs = Paragraphs();
        var first = FileEstimate(paragraphs.Take(FileLines));
        var second = FileEstimate(paragraphs.Skip(FileLines).Take(FileLines));
        var cap = first + (second / 2);

        var run = await RunAsync(FormattableString.Invariant($"--Stance:Budget:MaxCost={cap}"));

        Assert.True(run.ExitCode == ExitCodes.BudgetExceeded, run.LogText);
        Assert.Empty(Server.Requests); // nothing asked synchronously either
        var batch = Assert.Single(Server.Batch.Batches);
        Assert.Equal(1, Server.Batch.Count(TestBatchCallKind.Upload));
        Assert.Equal(paragraphs.Take(FileLines).Select(p => p.Text), batch.Requests.Select(r => r.Paragraph));
        var rows = Rows();
        Assert.Equal(paragraphs.Count, rows.Count);
        Assert.Equal(
            paragraphs.Take(FileLines).Select(p => p.Text).Order(StringComparer.Ordinal),
            rows.Where(r => r.Status == "ok").Select(r => r.Text).Order(StringComparer.Ordinal));
        Assert.All(rows.Where(r => r.Status == "ok"), r => Assert.Equal(("batch", batch.Id), (r.Mode, r.BatchId)));
        Assert.All(rows.Where(r => r.Status != "ok"), r =>
        {
            Assert.Equal(("failed", "budget", "sync"), (r.Status, r.ErrorKind, r.Mode));
            Assert.Null(r.BatchId);
            Assert.Contains(
                "not submitted: batch request file 2 would pass the budget", r.Error, StringComparison.Ordinal);
        });
        var manifest = Manifest();
        Assert.Equal(
            ["completed", BatchPart.NotSubmittedStatus, BatchPart.NotSubmittedStatus, BatchPart.NotSubmittedStatus],
            manifest.Batches!.Select(b => b.Status));
        Assert.Equal(FileLines * 165 * 0.5, manifest.EstimatedCost); // the server's usage, 120 in and 45 out
        Assert.True(manifest.EstimatedCost <= cap);
        Assert.Equal(manifest.EstimatedCost, manifest.SpendByKind![RunTally.Batch]);

        var rerun = await RunAsync("--Stance:Budget:MaxCost=1000000");

        Assert.True(rerun.ExitCode == ExitCodes.Ok, rerun.LogText);
        Assert.Equal(paragraphs.Count, Server.Batch.Batches.Sum(b => b.Lines.Count));
        Assert.Equal(
            paragraphs.Skip(FileLines).Select(p => p.Text).Order(StringComparer.Ordinal),
            Server.Batch.Batches.Skip(1).SelectMany(b => b.Requests).Select(r => r.Paragraph)
                .Order(StringComparer.Ordinal));
        Assert.All(Rows(), r => Assert.Equal("ok", r.Status));
    }

    [Fact]
    public async Task ABudgetThatHoldsEveryFileSubmitsThemAll()
    {
        var paragraphs = Paragraphs();
        var cap = FileEstimate(paragraphs);

        var run = await RunAsync(FormattableString.Invariant($"--Stance:Budget:MaxCost={cap}"));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.Equal([5, 5, 5, 2], Server.Batch.Batches.Select(b => b.Lines.Count));
        Assert.Null(Manifest().Budget!.Exceeded);
    }

    // What a request file of these paragraphs may cost: one unit a token, in and out, at the batch price (half).
    private static double FileEstimate(IEnumerable<Paragraph> paragraphs)
    {
        var estimator = new TokenEstimator(TestAnswers.Prompt, "test-model");
        return 0.5 * paragraphs.Sum(p => estimator.PromptTokens(p) + MaxTokens);
    }

    // The paragraphs in the order the job writes them into request files.
    private List<Paragraph> Paragraphs() =>
        [.. ParagraphSource.Stream(Input, new InputReport(), new ReadOptions(Output))];

    private Task<RunResult> RunAsync(params string[] extra) => StanceRunner.RunAsync(
    [
        .. BatchArgs(Output), "--Stance:Llm:ApiKey=test-key", $"--Stance:Batch:MaxRequestsPerFile={FileLines}",
        "--Stance:Pricing:InputPerMillion=1000000", "--Stance:Pricing:OutputPerMillion=1000000", .. extra,
    ]);

    private List<Row> Rows() =>
        [.. DuckDb.Query(
            $"SELECT text, status, mode, batch_id, error_kind, error FROM {DuckDb.Table(Output, "paragraphs")}")
            .Select(r => new Row(
                (string)r["text"]!,
                (string)r["status"]!,
                (string)r["mode"]!,
                (string?)r["batch_id"],
                (string?)r["error_kind"],
                (string?)r["error"]))];

    private RunManifest Manifest() => RunManifest.Read(Directory
        .GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)
        .OrderBy(File.GetLastWriteTimeUtc)
        .Last());

    private sealed record Row(
        string Text, string Status, string Mode, string? BatchId, string? ErrorKind, string? Error);
}

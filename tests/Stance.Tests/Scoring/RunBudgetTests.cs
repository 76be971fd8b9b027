using System.Collections.Concurrent;
using Stance.Documents;
using Stance.Hosting;
using Stance.Output;
using Stance.Paragraphs;
using Stance.Scoring;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring;

/// <summary><c>Stance:Budget:MaxCost</c> end to end against the test server: each attempt is checked before it goes
/// out (spend so far, requests in flight and its own estimate), the run stops paying at the first that would pass the
/// cap, keeps what it finished and exits 12.</summary>
public sealed class RunBudgetTests : JobTestBase
{
    // One token costs one unit, in and out, so an answer (the server's usage: 120 in, 45 out) costs 165 and a
    // request's estimate is its prompt's estimated tokens plus the prompt's max tokens.
    private const int AnswerCost = 165;
    private const int MaxTokens = 1200;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        CopyFolder(RepoPaths.Data, Input);
    }

    [Fact]
    public async Task ABudgetStopsTheRunBeforeTheRequestThatWouldPassItAndARerunWithMoreBudgetPaysOnlyForTheRest()
    {
        var requests = Requests();
        // Exactly enough for the sixth request: five answers, then its whole estimate.
        var cap = (5 * AnswerCost) + requests[5].Estimate;
        var paid = Simulate(requests, cap, [AnswerCost]).Requests;
        Assert.InRange(paid, 6, requests.Count - 1);

        var run = await RunAsync("--concurrency", "1", $"--Stance:Budget:MaxCost={cap}");

        Assert.True(run.ExitCode == ExitCodes.BudgetExceeded, run.LogText);
        Assert.Equal(paid, Server.Requests.Count);
        Assert.True(paid * AnswerCost <= cap, $"{paid} answers cost more than {cap}");
        Assert.Equal(requests.Take(paid).Select(r => r.Text), Server.Requests.Select(r => r.Paragraph));
        var rows = Rows();
        Assert.Equal(requests.Count, rows.Count);
        Assert.Equal(
            requests.Take(paid).Select(r => r.Text).Order(StringComparer.Ordinal),
            rows.Where(r => r.Status == "ok").Select(r => r.Text).Order(StringComparer.Ordinal));
        Assert.All(rows.Where(r => r.Status != "ok"), r =>
        {
            Assert.Equal(("failed", "budget", 0), (r.Status, r.ErrorKind, r.Attempts));
            Assert.Contains("Stance:Budget:MaxCost", r.Error, StringComparison.Ordinal);
        });
        var manifest = Manifest();
        Assert.Equal(paid * AnswerCost, manifest.EstimatedCost);
        Assert.Equal(requests.Count - paid, manifest.FailuresByKind["budget"]);
        Assert.Equal(cap, manifest.Budget!.MaxCost);
        Assert.Contains("would pass the budget", manifest.Budget.Exceeded, StringComparison.Ordinal);
        Assert.Contains("Run stopped (budget)", run.LogText, StringComparison.Ordinal);

        var rerun = await RunAsync("--concurrency", "1", "--Stance:Budget:MaxCost=1000000");

        Assert.True(rerun.ExitCode == ExitCodes.Ok, rerun.LogText);
        Assert.Equal(requests.Count, Server.Requests.Count);
        Assert.Equal(
            requests.Skip(paid).Select(r => r.Text),
            Server.Requests.Skip(paid).Select(r => r.Paragraph));
        var again = Rows();
        Assert.All(again, r => Assert.Equal("ok", r.Status));
        Assert.Equal(paid, again.Count(r => r.FromCache));
        Assert.Equal((requests.Count - paid) * AnswerCost, Manifest().EstimatedCost);
    }

    [Fact]
    public async Task RetriesAndReAsksCountTowardTheBudget()
    {
        // Each paragraph: an unreadable body (retried; it counts at its estimate, since it may have been generated
        // and billed), then an invalid answer (asked again), then a valid one.
        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        Server.Responder = request => seen.AddOrUpdate(request.Paragraph, 1, (_, n) => n + 1) switch
        {
            1 => Reply.Malformed(),
            2 => Reply.Answer("{\"broken\":"),
            _ => Reply.Answer(request.DefaultAnswer()),
        };
        var requests = Requests();
        var cap = (3 * (requests[0].Estimate + requests[1].Estimate + requests[2].Estimate)) + requests[3].Estimate;
        var (paid, finished, cut) = Simulate(requests, cap, [null, AnswerCost, AnswerCost]);
        Assert.InRange(finished, 1, requests.Count - 1);
        // Without its retries and re-asks, the same budget pays for more paragraphs.
        Assert.True(Simulate(requests, cap, [AnswerCost]).Finished > finished);

        var run = await RunAsync("--concurrency", "1", $"--Stance:Budget:MaxCost={cap}");

        Assert.True(run.ExitCode == ExitCodes.BudgetExceeded, run.LogText);
        Assert.Equal(paid, Server.Requests.Count);
        var rows = Rows();
        Assert.Equal(finished, rows.Count(r => r.Status == "ok"));
        Assert.All(rows.Where(r => r.Status == "ok"), r => Assert.Equal(3, r.Attempts));
        Assert.All(rows.Where(r => r.Status != "ok"), r => Assert.Equal("budget", r.ErrorKind));
        // The paragraph cut short keeps the attempts it made.
        Assert.Equal(cut, rows.Single(r => r.Text == requests[finished].Text).Attempts);
        Assert.Equal(paid, Manifest().Counts.Requests);
    }

    [Fact]
    public async Task WithRequestsInFlightTheAnswersPaidForNeverPassTheCap()
    {
        var requests = Requests();
        var cap = (5 * AnswerCost) + requests[5].Estimate;

        var run = await RunAsync("--concurrency", "4", $"--Stance:Budget:MaxCost={cap}");

        Assert.True(run.ExitCode == ExitCodes.BudgetExceeded, run.LogText);
        var paid = Server.Requests.Count;
        Assert.InRange(paid * AnswerCost, AnswerCost, cap);
        var rows = Rows();
        Assert.Equal(paid, rows.Count(r => r.Status == "ok"));
        Assert.All(rows.Where(r => r.Status != "ok"), r => Assert.Equal(("failed", "budget"), (r.Status, r.ErrorKind)));
        Assert.Equal(paid * AnswerCost, Manifest().EstimatedCost);
    }

    [Fact]
    public async Task AZeroBudgetMakesNoPaidCallAndStillWritesEveryRow()
    {
        var run = await RunAsync("--Stance:Budget:MaxCost=0");

        Assert.True(run.ExitCode == ExitCodes.BudgetExceeded, run.LogText);
        Assert.Empty(Server.Requests);
        var rows = Rows();
        Assert.Equal(Requests().Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(("failed", "budget", 0), (r.Status, r.ErrorKind, r.Attempts)));
    }

    [Fact]
    public async Task ANegativeBudgetIsAConfigurationErrorNamingTheKey()
    {
        var run = await RunAsync("--Stance:Budget:MaxCost=-1");

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains("Stance:Budget:MaxCost: must be at least 0", run.LogText, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    // Replays the budget rule over the paragraphs in the order one worker asks them: each attempt goes out only if
    // the spend so far and its estimate stay within the cap, and then costs its entry of `attempts` (null: its
    // estimate). Returns the requests sent, the paragraphs finished and the attempts of the one cut short.
    private static (int Requests, int Finished, int Cut) Simulate(
        List<(string Text, int Estimate)> requests, double cap, int?[] attempts)
    {
        var (spent, sent) = (0.0, 0);
        for (var p = 0; p < requests.Count; p++)
        {
            for (var a = 0; a < attempts.Length; a++)
            {
                if (spent + requests[p].Estimate > cap)
                {
                    return (sent, p, a);
                }

                spent += attempts[a] ?? requests[p].Estimate;
                sent++;
            }
        }

        return (sent, requests.Count, 0);
    }

    // The paragraphs in the order the job reads them, each with its request's estimate.
    private List<(string Text, int Estimate)> Requests()
    {
        var estimator = new TokenEstimator(TestAnswers.Prompt, "test-model");
        return [.. ParagraphSource.Stream(Input, new InputReport(), new ReadOptions(Output))
            .Select(p => (p.Text, estimator.PromptTokens(p) + MaxTokens))];
    }

    private Task<RunResult> RunAsync(params string[] extra) => StanceRunner.RunAsync(
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
        "--endpoint", Server.Endpoint, "--model", "test-model", "--Stance:Llm:ApiKey=test-key",
        "--Stance:Resilience:BaseDelay=00:00:00.005", "--Stance:Resilience:MaxDelay=00:00:00.050",
        "--Stance:Pricing:InputPerMillion=1000000", "--Stance:Pricing:OutputPerMillion=1000000", .. extra,
    ]);

    private List<Row> Rows() =>
        [.. DuckDb.Query(
            $"SELECT text, status, error_kind, error, attempts, from_cache FROM {DuckDb.Table(Output, "paragraphs")}")
            .Select(r => new Row(
                (string)r["text"]!,
                (string)r["status"]!,
                (string?)r["error_kind"],
                (string?)r["error"],
                (int)r["attempts"]!,
                (bool)r["from_cache"]!))];

    private RunManifest Manifest() => RunManifest.Read(Directory
        .GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)
        .OrderBy(File.GetLastWriteTimeUtc)
        .Last());

    private sealed record Row(
        string Text, string Status, string? ErrorKind, string? Error, int Attempts, bool FromCache);
}

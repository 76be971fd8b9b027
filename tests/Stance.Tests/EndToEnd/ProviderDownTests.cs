using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>A provider that accepts requests and never answers, or asks to come back in an hour: the run stops as
/// provider_down (exit 6) in a time that does not grow with the number of paragraphs, keeping the finished
/// work.</summary>
public sealed class ProviderDownTests : JobTestBase
{
    [Fact]
    public async Task AServerThatNeverAnswersStopsTheRunByTheWatchdogWithoutTryingEveryParagraph()
    {
        Corpus.Write(Input, 40, perDocument: 20);
        Server.Responder = request => Reply.Answer(request.DefaultAnswer()) with { Delay = TimeSpan.FromMinutes(10) };

        // The breaker's window is as short as one attempt: it never sees enough failures at once, so only the watchdog
        // can stop the run.
        var run = await RunAsync(
            "--concurrency", "4", "--Stance:Resilience:AttemptTimeout=00:00:01",
            "--Stance:Resilience:ParagraphTimeout=00:00:04", "--Stance:Resilience:NoProgressTimeout=00:00:03",
            "--Stance:Resilience:BreakerSamplingDuration=00:00:01");

        Assert.True(run.ExitCode == ExitCodes.ProviderDown, run.LogText);
        var aborted = ReadManifest().Aborted!;
        Assert.Equal("provider_down", aborted.Kind);
        Assert.Contains("Stance:Resilience:NoProgressTimeout 00:00:03", aborted.Reason);
        var rows = DuckDb.Query($"SELECT status, error_kind FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.Equal(40, rows.Count);
        Assert.All(rows, r => Assert.Equal("failed", r["status"]));
        Assert.Contains(rows, r => (string)r["error_kind"]! == "aborted");
        // Four paragraphs at a time, three one-second attempts each before the watchdog trips: far fewer requests
        // than paragraphs. Without it, every paragraph would be sent and wait its whole ParagraphTimeout.
        Assert.InRange(Server.Requests.Count, 4, 24);
        Assert.DoesNotContain(run.Log, l => l.StartsWith("Error Polly", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AProviderAskingToWaitAnHourStopsTheRunAtOnceKeepingTheFinishedWork()
    {
        Corpus.Write(Input, 10);
        Server.Responder = request => request.Number <= 3
            ? Reply.Answer(request.DefaultAnswer())
            : Reply.Status(429, ("Retry-After", "3600")) with
            {
                Body = "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}",
            };

        var run = await RunAsync("--concurrency", "1");

        Assert.True(run.ExitCode == ExitCodes.ProviderDown, run.LogText);
        Assert.Equal(4, Server.Requests.Count);
        var aborted = ReadManifest().Aborted!;
        Assert.Equal("provider_down", aborted.Kind);
        Assert.Contains(
            "the provider asks to wait 3600 s (Retry-After), more than Stance:Resilience:MaxRetryAfter 00:05:00",
            aborted.Reason);
        var statuses = DuckDb.Query(
            $"SELECT status, error_kind, count(*) AS n FROM {DuckDb.Table(Output, "paragraphs")} " +
            "GROUP BY ALL ORDER BY ALL");
        Assert.Equal(3L, statuses.Single(s => (string)s["status"]! == "ok")["n"]);
        Assert.Equal(7L, statuses.Single(s => (string?)s["error_kind"] == "aborted")["n"]);
    }

    [Theory]
    [InlineData("--Stance:Resilience:BreakerSamplingDuration=00:00:30", "Stance:Resilience:BreakerSamplingDuration")]
    [InlineData("--Stance:Resilience:NoProgressTimeout=00:00:30", "Stance:Resilience:NoProgressTimeout")]
    [InlineData("--Stance:Resilience:MaxRetryAfter=00:00:00", "Stance:Resilience:MaxRetryAfter")]
    public async Task AWindowShorterThanOneAttemptIsRefusedAtStart(string setting, string named)
    {
        Corpus.Write(Input, 2);

        var run = await RunAsync("--Stance:Resilience:AttemptTimeout=00:01:00", setting);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains(named, run.LogText);
        Assert.Empty(Server.Requests);
    }

    private RunManifest ReadManifest() =>
        RunManifest.Read(Assert.Single(
            Directory.GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)));

    private Task<RunResult> RunAsync(params string[] extra) => StanceRunner.RunAsync(
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
        "--endpoint", Server.Endpoint, "--model", "test-model", "--Stance:Llm:ApiKey=test-key",
        "--Stance:Resilience:BaseDelay=00:00:00.005", "--Stance:Resilience:MaxDelay=00:00:00.050", .. extra,
    ]);
}

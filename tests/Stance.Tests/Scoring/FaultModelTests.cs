using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Stance.Contract;
using Stance.Paragraphs;
using Stance.Scoring;
using Stance.Scoring.Llm;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring;

/// <summary>One test per row of the fault table, against the scripted HTTP server.</summary>
public sealed class FaultModelTests : IAsyncLifetime
{
    private OpenAiTestServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(502)]
    [InlineData(504)]
    [InlineData(408)]
    public async Task WhenTheProviderAnswersAnotherTransientStatusItRetries(int status)
    {
        _server.Responder = request => request.Number == 1
            ? Reply.Status(status)
            : Reply.Answer(request.DefaultAnswer());
        using var host = ScorerHost.Create(_server);

        var outcome = await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);

        Assert.Equal(ParagraphStatus.Ok, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
    }

    [Fact]
    public async Task WhenTheServerRefusesConnectionsItRetriesAndFailsAsANetworkError()
    {
        var closedPort = _server.Endpoint;
        await _server.DisposeAsync();
        _server = await OpenAiTestServer.StartAsync();
        using var host = ScorerHost.Create(_server, ["--endpoint", closedPort, "--Stance:Resilience:MaxRetries=2"]);

        var outcome = await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);

        Assert.Equal(ParagraphStatus.Failed, outcome.Status);
        Assert.Equal(FailureKind.Network, outcome.ErrorKind);
        Assert.Equal(3, outcome.Attempts);
    }

    [Fact]
    public async Task WhenA429CarriesOnlyRateLimitResetHeadersItWaitsForTheExhaustedLimit()
    {
        var time = new WaitingClock(DateTimeOffset.Parse("2026-11-29T01:00:00Z", CultureInfo.InvariantCulture));
        _server.Responder = request => request.Number == 1
            ? Reply.Status(429, ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "6s"),
                ("x-ratelimit-remaining-tokens", "90000"), ("x-ratelimit-reset-tokens", "20ms"))
            : Reply.Answer(request.DefaultAnswer());
        using var host = ScorerHost.Create(_server, configure: s => s.AddSingleton<TimeProvider>(time));

        var scoring = host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);
        // The retry waits 6 s plus up to 10 % jitter (the requests limit), not the 20 ms of the tokens limit.
        await time.WaitForTimersDueWithinAsync(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6.6));
        time.Advance(TimeSpan.FromSeconds(5.9));
        Assert.Single(_server.Requests);

        time.Advance(TimeSpan.FromSeconds(0.8));
        Assert.Equal(ParagraphStatus.Ok, (await scoring.WaitAsync(TimeSpan.FromSeconds(10))).Status);
    }

    [Fact]
    public async Task A429SlowsTheWholeRunNotJustTheRefusedRequest()
    {
        var time = new WaitingClock(DateTimeOffset.Parse("2026-11-29T01:00:00Z", CultureInfo.InvariantCulture));
        _server.Responder = request => request.Number == 1
            ? Reply.Status(429, ("retry-after", "10"))
            : Reply.Answer(request.DefaultAnswer());
        // Attempts time out after 20 s, so the only timers due 10 to 11 s from now are the retry's and the gate's.
        using var host = ScorerHost.Create(_server, ["--Stance:Resilience:AttemptTimeout=00:00:20"],
            configure: s => s.AddSingleton<TimeProvider>(time));

        var first = host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);
        await time.WaitForTimersDueWithinAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11)); // the retry's delay
        var second = host.Scorer.ScoreAsync(Paragraph("Armenia spoke."), CancellationToken.None);
        // The other paragraph waits behind the closed gate too, until the same moment: a second timer, no request.
        await time.WaitForTimersDueWithinAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11), count: 2);
        Assert.Single(_server.Requests);

        time.Advance(TimeSpan.FromSeconds(11.5));
        Assert.Equal(ParagraphStatus.Ok, (await first.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.Equal(ParagraphStatus.Ok, (await second.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task WhenAnAnswerSaysTheRequestLimitIsExhaustedTheNextRequestWaitsForItsReset()
    {
        var time = new WaitingClock(DateTimeOffset.Parse("2026-11-29T01:00:00Z", CultureInfo.InvariantCulture));
        _server.Responder = request => Reply.Answer(request.DefaultAnswer()) with
        {
            Headers = new Dictionary<string, string>
            {
                ["x-ratelimit-limit-requests"] = "500",
                ["x-ratelimit-remaining-requests"] = request.Number == 1 ? "0" : "400",
                ["x-ratelimit-reset-requests"] = "8s",
            },
        };
        using var host = ScorerHost.Create(_server, configure: s => s.AddSingleton<TimeProvider>(time));

        Assert.Equal(
            ParagraphStatus.Ok,
            (await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None)).Status);
        var second = host.Scorer.ScoreAsync(Paragraph("Armenia spoke."), CancellationToken.None);
        await time.WaitForTimersDueWithinAsync(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)); // held at the gate
        Assert.Single(_server.Requests); // no 429 was needed to hold it back

        time.Advance(TimeSpan.FromSeconds(8.1));
        Assert.Equal(ParagraphStatus.Ok, (await second.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(485, host.Pacer.RequestsPerMinute); // learned from x-ratelimit-limit-requests, with headroom
    }

    [Fact]
    public async Task ManyRateLimitRefusalsDoNotOpenTheCircuit()
    {
        _server.Responder = request => request.Number <= 15
            ? Reply.Status(429, ("retry-after-ms", "1"))
            : Reply.Answer(request.DefaultAnswer());
        using var host = ScorerHost.Create(
            _server, ["--Stance:Resilience:BreakerMinimumThroughput=5", "--Stance:Resilience:MaxRetries=20"]);

        var outcome = await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);

        Assert.Equal(ParagraphStatus.Ok, outcome.Status);
        Assert.Equal(16, outcome.Attempts);
    }

    [Fact]
    public async Task WhenLimitsAreToBeLearnedOneRequestGoesFirstAndTheOthersWaitForItsAnswer()
    {
        // The probe's answer is held back a while (a broken pacer would send the others meanwhile); each later request
        // records whether the probe's answer had been delivered when it arrived.
        var probeAnswered = 0;
        var arrivedBeforeTheProbesAnswer = new ConcurrentQueue<int>();
        _server.Responder = request =>
        {
            if (request.Number > 1 && Volatile.Read(ref probeAnswered) == 0)
            {
                arrivedBeforeTheProbesAnswer.Enqueue(request.Number);
            }

            return Reply.Answer(request.DefaultAnswer()) with
            {
                Delay = request.Number == 1 ? TimeSpan.FromMilliseconds(400) : TimeSpan.Zero,
                Headers = new Dictionary<string, string> { ["x-ratelimit-limit-requests"] = "6000" },
                BeforeReply = request.Number == 1 ? () => Volatile.Write(ref probeAnswered, 1) : null,
            };
        };
        using var host = ScorerHost.Create(_server);

        var all = Enumerable.Range(0, 4)
            .Select(i => host.Scorer.ScoreAsync(Paragraph($"The U.S. spoke {i}."), CancellationToken.None))
            .ToList();
        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(arrivedBeforeTheProbesAnswer); // the probe went first; the rest waited for its headers
        Assert.Equal(4, _server.Requests.Count);
        Assert.Equal(5820, host.Pacer.RequestsPerMinute);
    }

    [Fact]
    public async Task A429InsufficientQuotaStopsTheRunAtOnce()
    {
        _server.Responder = _ => Reply.Status(429) with
        {
            Body = "{\"error\":{\"message\":\"You exceeded your current quota\"," +
                "\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}",
        };
        using var host = ScorerHost.Create(_server);

        var error = await Assert.ThrowsAsync<RunAbortedException>(
            () => host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None));

        Assert.Equal(FailureKind.Quota, error.Kind);
        Assert.Contains("quota is exhausted", error.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A429AskingToWaitLongerThanMaxRetryAfterStopsTheRunAtOnceWithTheProvidersTime()
    {
        _server.Responder = _ => Reply.Status(429, ("Retry-After", "3600"));
        using var host = ScorerHost.Create(_server);

        var error = await Assert.ThrowsAsync<RunAbortedException>(
            () => host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None));

        Assert.Equal(FailureKind.ProviderDown, error.Kind);
        Assert.Contains(
            "the provider asks to wait 3600 s (Retry-After), more than Stance:Resilience:MaxRetryAfter 00:05:00",
            error.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A403StopsTheRunAtOnce()
    {
        _server.Responder = _ => Reply.Status(403);
        using var host = ScorerHost.Create(_server);

        var error = await Assert.ThrowsAsync<RunAbortedException>(
            () => host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None));

        Assert.Equal(FailureKind.Auth, error.Kind);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task AContentFilterRefusalIsFilteredAndNotRetried()
    {
        _server.Responder = _ => Reply.Status(400) with
        {
            Body = "{\"error\":{\"message\":\"The response was filtered\",\"type\":null," +
                "\"code\":\"content_filter\",\"status\":400}}",
        };
        using var host = ScorerHost.Create(_server);

        var outcome = await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);

        Assert.Equal(ParagraphStatus.Filtered, outcome.Status);
        Assert.Equal(FailureKind.ContentFilter, outcome.ErrorKind);
        Assert.Equal(1, outcome.Attempts);
    }

    [Fact]
    public async Task AContentFilterFinishReasonIsFilteredAndNotRetried()
    {
        _server.Responder = _ => Reply.Answer(string.Empty, "content_filter");
        using var host = ScorerHost.Create(_server);

        var outcome = await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);

        Assert.Equal(ParagraphStatus.Filtered, outcome.Status);
        Assert.Equal(FailureKind.ContentFilter, outcome.ErrorKind);
        Assert.Null(outcome.Answer);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task AContextTooLongAnswerFailsTheParagraphWithAClearError()
    {
        _server.Responder = _ => Reply.Status(400) with
        {
            Body = "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens.\"," +
                "\"code\":\"context_length_exceeded\"}}",
        };
        using var host = ScorerHost.Create(_server);

        var outcome = await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);

        Assert.Equal(FailureKind.ContextTooLong, outcome.ErrorKind);
        Assert.Contains("does not fit the model's context", outcome.Error);
        Assert.Equal(1, outcome.Attempts);
    }

    [Fact]
    public async Task ALlamaCppKvSizeServerErrorIsContextTooLongAfterOneAttempt()
    {
        _server.Responder = _ => Reply.Status(500) with { Body = LlamaCppKvSizeError };
        using var host = ScorerHost.Create(_server);

        var outcome = await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);

        Assert.Equal(FailureKind.ContextTooLong, outcome.ErrorKind);
        Assert.Contains("Input prompt is too big compared to KV size", outcome.Error);
        Assert.Equal(1, outcome.Attempts);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task AServerErrorRepeatedWordForWordForOneParagraphFailsOnlyThatParagraphAndLeavesTheCircuitClosed()
    {
        // A breaker this sensitive opens on the second counted failure of two attempts.
        _server.Responder = request => request.Paragraph.StartsWith("POISON", StringComparison.Ordinal)
            ? Reply.Status(500) with
            {
                Body = "{\"error\":{\"message\":\"chat template failed\",\"type\":\"server_error\"}}",
            }
            : Reply.Answer(request.DefaultAnswer());
        using var host = ScorerHost.Create(_server,
            ["--Stance:Resilience:BreakerMinimumThroughput=2", "--Stance:Resilience:BreakerFailureRatio=0.5"]);

        var poisoned = await host.Scorer.ScoreAsync(Paragraph("POISON about the U.S."), CancellationToken.None);
        var healthy = await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);

        Assert.Equal(FailureKind.ServerError, poisoned.ErrorKind);
        Assert.Equal(3, poisoned.Attempts);
        Assert.Contains("the same answer 3 times in a row for this paragraph", poisoned.Error);
        Assert.Equal(ParagraphStatus.Ok, healthy.Status);
        Assert.Equal(3 + 1, _server.Requests.Count);
    }

    [Fact]
    public async Task ServerErrorsWithChangingBodiesAreRetriedUntilTheyStop()
    {
        _server.Responder = request => request.Number <= 4
            ? Reply.Status(500) with { Body = $"{{\"error\":{{\"message\":\"worker {request.Number} crashed\"}}}}" }
            : Reply.Answer(request.DefaultAnswer());
        using var host = ScorerHost.Create(_server);

        var outcome = await host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None);

        Assert.Equal(ParagraphStatus.Ok, outcome.Status);
        Assert.Equal(5, outcome.Attempts);
    }

    [Fact]
    public async Task AParagraphLongerThanTheLimitIsNotSent()
    {
        using var host = ScorerHost.Create(_server, ["--Stance:Llm:MaxParagraphChars=1000"]);

        var outcome = await host.Scorer.ScoreAsync(Paragraph(new string('x', 1001)), CancellationToken.None);

        Assert.Equal(FailureKind.TooLong, outcome.ErrorKind);
        Assert.Equal(0, outcome.Attempts);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task WhenTheProviderIsDownForGoodTheCircuitOpensAndTheRunStops()
    {
        _server.Responder = _ => Reply.Drop();
        using var host = ScorerHost.Create(
            _server, ["--Stance:Resilience:BreakerMinimumThroughput=5", "--Stance:Resilience:MaxRetries=20"]);

        var error = await Assert.ThrowsAsync<RunAbortedException>(
            () => host.Scorer.ScoreAsync(Paragraph("The U.S. spoke."), CancellationToken.None));

        Assert.Equal(FailureKind.ProviderDown, error.Kind);
        Assert.Contains("circuit breaker open", error.Message);
        Assert.InRange(_server.Requests.Count, 5, 6);
    }

    [Theory]
    [InlineData("1s", 1000)]
    [InlineData("6m0s", 360_000)]
    [InlineData("20ms", 20)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("0.25", 250)]
    public void RateLimitResetDurationsAreParsed(string text, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ProviderFaults.ParseDuration(text));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("")]
    public void AnUnreadableResetDurationIsIgnored(string text)
    {
        Assert.Null(ProviderFaults.ParseDuration(text));
    }

    private const string LlamaCppKvSizeError =
        "{\"error\":{\"code\":500,"
        + "\"message\":\"Input prompt is too big compared to KV size. Please try increasing KV size.\","
        + "\"type\":\"server_error\"}}";

    private static Paragraph Paragraph(string text) =>
        new(
            "doc.txt",
            "Title",
            "doc.txt",
            0,
            ParagraphSplitter.Sha256Hex(text)[..24],
            ParagraphSplitter.Sha256Hex(text),
            text,
            null);
}

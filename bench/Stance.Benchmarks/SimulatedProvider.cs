using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Stance.Benchmarks;

/// <summary>An OpenAI-compatible provider on 127.0.0.1: answers after a latency with jitter, and enforces RPM / TPM
/// limits with per-minute token buckets, answering 429 (with retry-after-ms, retry-after and x-ratelimit headers)
/// beyond them.</summary>
internal sealed class SimulatedProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ProviderSettings _settings;
    private readonly TokenBucketRateLimiter? _requests;
    private readonly TokenBucketRateLimiter? _tokens;
    private readonly Random? _jitter;
    private readonly Lock _jitterLock = new();
    private long _ok;
    private long _limited;
    private long _firstTicks;
    private long _lastTicks;

    private SimulatedProvider(WebApplication app, ProviderSettings settings)
    {
        _app = app;
        _settings = settings;
        _requests = settings.Rpm is { } rpm ? Bucket(rpm, settings.BurstSeconds) : null;
        _tokens = settings.Tpm is { } tpm ? Bucket(tpm, settings.BurstSeconds) : null;
        _jitter = settings.Seed is { } seed ? new Random(seed) : null;
    }

    /// <summary>The base URL to give as the endpoint.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>Requests answered 200.</summary>
    public long Ok => Interlocked.Read(ref _ok);

    /// <summary>Requests answered 429.</summary>
    public long Limited => Interlocked.Read(ref _limited);

    /// <summary>Every request received: answered 200 or 429.</summary>
    public long Requests => Ok + Limited;

    /// <summary>Seconds from the first request's arrival to the last answer's departure.</summary>
    public double ActiveSeconds =>
        TimeSpan.FromTicks(Interlocked.Read(ref _lastTicks) - Interlocked.Read(ref _firstTicks)).TotalSeconds;

    public static async Task<SimulatedProvider> StartAsync(ProviderSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var provider = new SimulatedProvider(app, settings);
        app.MapPost("/v1/chat/completions", provider.HandleAsync);
        await app.StartAsync();
        provider.Endpoint = app.Urls.First() + "/v1";
        return provider;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = DateTime.UtcNow.Ticks;
        Interlocked.CompareExchange(ref _firstTicks, now, 0);
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        var user = body["messages"]!.AsArray().Last()!["content"]!.GetValue<string>();
        var tokens = (user.Length / 4) + (body["max_completion_tokens"]?.GetValue<int>() ?? 0);
        SetLimitHeaders(context.Response);

        using var requestLease = _requests?.AttemptAcquire(1);
        using var tokenLease = _tokens?.AttemptAcquire(Math.Min(tokens, _settings.Tpm ?? int.MaxValue));
        if (requestLease is { IsAcquired: false } || tokenLease is { IsAcquired: false })
        {
            Interlocked.Increment(ref _limited);
            context.Response.StatusCode = 429;
            var wait = requestLease is { IsAcquired: false }
                ? 60_000.0 / _settings.Rpm!.Value
                : 60_000.0 * tokens / _settings.Tpm!.Value;
            context.Response.Headers["retry-after-ms"] = wait.ToString("F0", CultureInfo.InvariantCulture);
            context.Response.Headers["retry-after"] =
                Math.Max(1, Math.Ceiling(wait / 1000)).ToString("F0", CultureInfo.InvariantCulture);
            await context.Response.WriteAsync(
                "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}");
            return;
        }

        var latency = _settings.Latency * (1 + ((NextDouble() * 2) - 1) * _settings.Jitter);
        await Task.Delay(latency);
        var start = user.IndexOf("<paragraph>", StringComparison.Ordinal) + "<paragraph>".Length;
        var paragraph = user[start..user.LastIndexOf("</paragraph>", StringComparison.Ordinal)];
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Completion(_settings.Answer(paragraph)));
        Interlocked.Increment(ref _ok);
        Interlocked.Exchange(ref _lastTicks, DateTime.UtcNow.Ticks);
    }

    private double NextDouble()
    {
        if (_jitter is null)
        {
            return Random.Shared.NextDouble();
        }

        lock (_jitterLock)
        {
            return _jitter.NextDouble();
        }
    }

    private void SetLimitHeaders(HttpResponse response)
    {
        if (!_settings.SendHeaders)
        {
            return;
        }

        if (_settings.Rpm is { } rpm)
        {
            response.Headers["x-ratelimit-limit-requests"] = rpm.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining-requests"] =
                (_requests!.GetStatistics()?.CurrentAvailablePermits ?? 0).ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-reset-requests"] = $"{60.0 / rpm:F3}s";
        }

        if (_settings.Tpm is { } tpm)
        {
            response.Headers["x-ratelimit-limit-tokens"] = tpm.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining-tokens"] =
                (_tokens!.GetStatistics()?.CurrentAvailablePermits ?? 0).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static TokenBucketRateLimiter Bucket(int perMinute, double burstSeconds) =>
        new(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, (int)(perMinute / 60.0 * burstSeconds)),
            TokensPerPeriod = Math.Max(1, perMinute / 1200),
            ReplenishmentPeriod = TimeSpan.FromMinutes(Math.Max(1, perMinute / 1200) / (double)perMinute),
            AutoReplenishment = true,
            QueueLimit = 0,
        });

    private static string Completion(string content) => new JsonObject
    {
        ["id"] = "chatcmpl-sim",
        ["object"] = "chat.completion",
        ["created"] = 1_764_000_000,
        ["model"] = "sim",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 600, ["completion_tokens"] = 120, ["total_tokens"] = 720 },
    }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _requests?.Dispose();
        _tokens?.Dispose();
    }
}

/// <summary>How the simulated provider behaves.</summary>
internal sealed record ProviderSettings(
    TimeSpan Latency, double Jitter, int? Rpm, int? Tpm, bool SendHeaders, Func<string, string> Answer)
{
    /// <summary>How many seconds of the per-minute limit the provider's buckets hold (its tolerance for
    /// bursts).</summary>
    public double BurstSeconds { get; init; } = 10;

    /// <summary>The seed of the latency jitter; null: <see cref="Random.Shared"/>.</summary>
    public int? Seed { get; init; }
}

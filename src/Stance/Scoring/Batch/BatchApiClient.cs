using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Stance.Scoring.Llm;

namespace Stance.Scoring.Batch;

/// <summary>The provider's Files and Batches REST API (OpenAI's <c>/v1/files</c> and <c>/v1/batches</c>, Azure
/// OpenAI's <c>/openai/v1/…</c>) over the job's own HTTP client. Every call goes through a Polly pipeline: 429 (with
/// its <c>retry-after</c>), 5xx, 408, dropped connections and attempt timeouts are retried with backoff; 401/403 stop
/// the run; other refusals are reported with the provider's message. A download that breaks off resumes where it
/// stopped.</summary>
internal sealed partial class BatchApiClient
{
    private readonly HttpClient _http;
    private readonly BatchEndpoint _endpoint;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _downloads;
    private readonly ResiliencePipeline _uploads;
    private readonly TimeSpan _idleTimeout;
    private readonly ILogger _logger;

    /// <summary>Creates the client.</summary>
    public BatchApiClient(
        HttpClient http,
        BatchEndpoint endpoint,
        ResilienceOptions resilience,
        TimeProvider time,
        ILogger<BatchApiClient> logger)
    {
        _http = http;
        _endpoint = endpoint;
        _logger = logger;
        var retry = new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<BatchTransientException>()
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>()
                .Handle<TimeoutException>()
                .Handle<IOException>(),
            MaxRetryAttempts = resilience.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = resilience.BaseDelay,
            MaxDelay = resilience.MaxDelay,
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Exception is BatchTransientException { RetryAfter: { } after }
                    ? (TimeSpan?)Min(after, resilience.MaxRetryAfter)
                    : null),
            OnRetry = args =>
            {
                LogRetry(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds,
                    args.Outcome.Exception?.Message ?? "no answer");
                return ValueTask.CompletedTask;
            },
        };
        _idleTimeout = resilience.AttemptTimeout;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(retry)
            .AddTimeout(resilience.AttemptTimeout)
            .Build();

        // A download may take longer than an attempt: it is bounded by the time between reads instead. An upload of
        // up to 200 MB gets an hour (or the attempt timeout, if longer).
        _downloads = new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(retry).Build();
        _uploads = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(retry)
            .AddTimeout(TimeSpan.FromTicks(Math.Max(resilience.AttemptTimeout.Ticks, TimeSpan.FromHours(1).Ticks)))
            .Build();
    }

    private async Task<(List<JsonElement> Items, bool More, string? Last)> ListAsync(
        string operation,
        string query,
        CancellationToken cancellationToken) =>
        await SendAsync(
            operation,
            () => new HttpRequestMessage(HttpMethod.Get, _endpoint.Url(query)),
            json =>
            {
                var items = json.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
                    ? data.EnumerateArray().Select(item => item.Clone()).ToList()
                    : [];
                var more = json.TryGetProperty("has_more", out var m) && m.ValueKind == JsonValueKind.True;
                var last = json.TryGetProperty("last_id", out var l) && l.ValueKind == JsonValueKind.String
                    ? l.GetString()
                    : items.LastOrDefault() is { ValueKind: JsonValueKind.Object } item
                        ? item.GetProperty("id").GetString()
                        : null;
                return (items, more, last);
            },
            cancellationToken).ConfigureAwait(false);

    private async Task<T> SendAsync<T>(
        string operation,
        Func<HttpRequestMessage> request,
        Func<JsonElement, T> read,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<T?>>? madeBefore = null,
        ResiliencePipeline? pipeline = null)
    {
        var attempts = 0;
        return await (pipeline ?? _pipeline).ExecuteAsync(
            async ct =>
            {
                // A call that creates something is not sent again blindly after a failure whose outcome is unknown.
                if (attempts++ > 0 && madeBefore is not null && await madeBefore(ct).ConfigureAwait(false) is { } made)
                {
                    return made;
                }

                using var message = request();
                _endpoint.Authorize(message);
                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct)
                    .ConfigureAwait(false);
                await BatchApiErrors.EnsureSuccessAsync(operation, response, ct).ConfigureAwait(false);
                var json = await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
                return read(json);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning,
        Message = "Batch API call retried (attempt {Attempt}) in {Seconds:F1} s: {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, double seconds, string reason);
}

using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Registry;
using Polly.Retry;
using Stance.Output;

namespace Stance.Alerts;

/// <summary>POSTs a run's alerts to <c>Stance:Alerts:WebhookUrl</c>: retried with backoff within a total bound, and
/// never failing the run (a last failure is a warning). The URL may carry a token: only its scheme and host are ever
/// logged.</summary>
internal sealed partial class AlertWebhook(
    IHttpClientFactory clients,
    ResiliencePipelineProvider<string> pipelines,
    ILogger<AlertWebhook> logger)
{
    /// <summary>The named HTTP client (its request logging removed: it would print the URL).</summary>
    public const string HttpClientName = "stance-alerts";

    /// <summary>The Polly pipeline's name in the registry and in its telemetry.</summary>
    public const string PipelineName = "stance-alerts-webhook";

    /// <summary>A total timeout around retries with exponential backoff (jittered) of transport errors and of the
    /// transient statuses (408, 429, 5xx).</summary>
    public static void Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder,
        AlertOptions options,
        TimeProvider time,
        ILogger logger)
    {
        builder.TimeProvider = time;
        builder.AddTimeout(options.WebhookTimeout);
        if (options.WebhookRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .HandleResult(response => IsTransient(response.StatusCode)),
                MaxRetryAttempts = options.WebhookRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.WebhookRetryDelay,
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds,
                        args.Outcome.Result is { } response
                            ? $"HTTP {(int)response.StatusCode}"
                            : args.Outcome.Exception?.GetType().Name ?? "no result");
                    return default;
                },
            });
        }
    }

    /// <summary>Sends <paramref name="payload"/>; returns whether the webhook accepted it (2xx).</summary>
    public async Task<bool> SendAsync(Uri url, WebhookPayload payload, CancellationToken cancellationToken)
    {
        var where = $"{url.Scheme}://{url.Host}";
        var json = JsonSerializer.Serialize(payload, RunManifest.Json);
        var client = clients.CreateClient(HttpClientName);
        var pipeline = pipelines.GetPipeline<HttpResponseMessage>(PipelineName);
        try
        {
            using var response = await pipeline.ExecuteAsync(
                async token =>
                {
                    using var content = new StringContent(json, Encoding.UTF8, "application/json");
                    return await client.PostAsync(url, content, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                LogSent(logger, where, payload.Alerts.Count, (int)response.StatusCode);
                return true;
            }

            LogFailed(logger, where, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the run's tables, report and manifest are written: a warning, never a failure.
            LogFailed(logger, where, Scrub(ex, url));
        }

        return false;
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    // The exception's type and message, without any part of the URL but its scheme and host.
    internal static string Scrub(Exception ex, Uri url)
    {
        var message = $"{ex.GetType().Name}: {ex.Message}";
        foreach (var part in new[] { url.OriginalString, url.AbsoluteUri, url.PathAndQuery, url.Query, url.UserInfo }
            .Where(p => p.Length > 1)
            .OrderByDescending(p => p.Length))
        {
            message = message.Replace(part, "…", StringComparison.Ordinal);
        }

        return message;
    }

    [LoggerMessage(EventId = 190, Level = LogLevel.Information,
        Message = "Alerts sent to the webhook at {Webhook}: {Alerts} alerts, HTTP {Status}")]
    private static partial void LogSent(ILogger logger, string webhook, int alerts, int status);

    [LoggerMessage(EventId = 191, Level = LogLevel.Warning,
        Message = "The alert webhook failed (attempt {Attempt}), sending again in {DelayMs:F0} ms: {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 192, Level = LogLevel.Warning,
        Message = "The alerts were not delivered to the webhook at {Webhook}: {Reason}; the run is not failed for it")]
    private static partial void LogFailed(ILogger logger, string webhook, string reason);
}

using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Stance.Contract;

namespace Stance.Scoring.Llm;

/// <summary>Classifies what an LLM call threw: worth retrying or not, what the provider asked us to wait, and how it
/// ends the paragraph (or the run).</summary>
internal static partial class ProviderFaults
{
    /// <summary>What servers say when a prompt does not fit the model's context, whatever the status code: it is the
    /// request's fault and repeats identically however often it is sent. Sources: OpenAI's error code; llama.cpp's
    /// <c>tools/server/server-common.cpp</c> (type <c>exceed_context_size_error</c>, 400) and <c>server-context.cpp</c>
    /// / <c>examples/server/server.cpp</c> (the 400 "exceeds the available context size" and the 500s "Input prompt is
    /// too big compared to KV size" and "input is larger than the max context size"); vLLM's
    /// <c>vllm/entrypoints/openai/serving_engine.py</c> (400 "This model's maximum context length is N tokens") and its
    /// engine's "The decoder prompt (length N) is longer than the maximum model length of M".</summary>
    private static readonly string[] s_contextOverflow =
    [
        "context_length_exceeded",
        "maximum context length",
        "exceed_context_size_error",
        "exceeds the available context size",
        "Input prompt is too big compared to KV size",
        "input is larger than the max context size",
        "is longer than the maximum model length",
        "too many tokens",
    ];

    /// <summary>True for 408, 429 (except an exhausted quota), 5xx, network failures, attempt timeouts and unreadable
    /// bodies; false for a prompt that does not fit the context, whatever status it came with.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        HttpOperationException { StatusCode: null } => true,
        HttpOperationException { StatusCode: HttpStatusCode.TooManyRequests } http => !IsQuotaExhausted(http),
        HttpOperationException { StatusCode: var status } http =>
            !IsContextOverflow(http) && IsTransient(status!.Value),
        TimeoutRejectedException or HttpRequestException or IOException or JsonException => true,
        ClientResultException { Status: 0 } => true,
        ClientResultException result => IsTransient((HttpStatusCode)result.Status),
        _ => false,
    };

    /// <summary>True for a failure that says the provider is unwell (not the request, not a rate limit): refused or
    /// dropped connections, unreadable bodies, timeouts and 5xx. Only these count toward the circuit breaker and
    /// against the no-progress watchdog.</summary>
    public static bool IsServerFault(Exception? exception) =>
        exception is not null && IsTransient(exception) && !IsRateLimit(exception);

    /// <summary>True when the server answered that the prompt does not fit the model's context (any status).</summary>
    public static bool IsContextOverflow(HttpOperationException http) =>
        http.StatusCode is { } status && (int)status >= 400 && s_contextOverflow.Any(marker => Has(http, marker));

    /// <summary>True for a 429 from a rate limit (not a quota): the whole run should slow down.</summary>
    public static bool IsRateLimit(Exception? exception) =>
        exception is HttpOperationException { StatusCode: HttpStatusCode.TooManyRequests } http
        && !IsQuotaExhausted(http);

    /// <summary>How the failure ends the paragraph; <see cref="ProviderFault.AbortsRun"/> when no other paragraph can
    /// succeed.</summary>
    public static ProviderFault Classify(Exception exception)
    {
        var message = Describe(exception);
        return exception switch
        {
            BrokenCircuitException => new(
                FailureKind.ProviderDown,
                $"the provider keeps failing, circuit breaker open ({exception.Message})",
                AbortsRun: true),
            ProviderWaitTooLongException wait => new(FailureKind.ProviderDown, wait.Message, AbortsRun: true),
            RepeatedServerErrorException repeated => new(FailureKind.ServerError, repeated.Message),
            HttpOperationException http when IsContextOverflow(http) =>
                new(FailureKind.ContextTooLong, $"the paragraph does not fit the model's context: {message}"),
            HttpOperationException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } =>
                new(FailureKind.Auth, message, AbortsRun: true),
            HttpOperationException { StatusCode: HttpStatusCode.TooManyRequests } http when IsQuotaExhausted(http) =>
                new(
                    FailureKind.Quota,
                    $"the account's quota is exhausted, retrying cannot help: {message}",
                    AbortsRun: true),
            HttpOperationException { StatusCode: HttpStatusCode.TooManyRequests } =>
                new(FailureKind.RateLimited, message),
            HttpOperationException { StatusCode: { } status } http
                when (int)status >= 400 && (int)status < 500 && status != HttpStatusCode.RequestTimeout =>
                Has(http, "content_filter") || Has(http, "content_policy") ? new(FailureKind.ContentFilter, message)
                : new(FailureKind.BadRequest, message),
            HttpOperationException { StatusCode: { } } => new(FailureKind.ServerError, message),
            TimeoutRejectedException => new(FailureKind.Timeout, message),
            Local.LocalModelException local => new(local.Kind, local.Message),
            _ => new(FailureKind.Network, message),
        };
    }

    /// <summary>The wait the provider asked for: <c>retry-after-ms</c>, <c>Retry-After</c> (seconds or a date), or the
    /// <c>x-ratelimit-reset-*</c> of the exhausted limit; null when it said nothing.</summary>
    public static TimeSpan? RetryAfter(Exception exception, DateTimeOffset now)
    {
        var response = (exception as ClientResultException ?? exception.InnerException as ClientResultException)
            ?.GetRawResponse();
        if (response is null)
        {
            return null;
        }

        var headers = response.Headers;
        if (headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis)
            && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (headers.TryGetValue("retry-after", out var after) && !string.IsNullOrWhiteSpace(after))
        {
            if (double.TryParse(after, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(
                after,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out var date))
            {
                return date > now ? date - now : TimeSpan.Zero;
            }
        }

        TimeSpan? Reset(string limit) =>
            headers.TryGetValue($"x-ratelimit-reset-{limit}", out var value) ? ParseDuration(value) : null;
        bool Exhausted(string limit) =>
            headers.TryGetValue($"x-ratelimit-remaining-{limit}", out var value) && value?.Trim() == "0";

        var requests = Reset("requests");
        var tokens = Reset("tokens");
        return (Exhausted("requests"), Exhausted("tokens")) switch
        {
            (true, false) => requests,
            (false, true) => tokens,
            _ => requests is null ? tokens : tokens is null ? requests : requests > tokens ? requests : tokens,
        };
    }

    /// <summary>Parses OpenAI's reset durations: <c>1s</c>, <c>6m0s</c>, <c>20ms</c>, <c>1h2m3.5s</c>, or plain
    /// seconds.</summary>
    internal static TimeSpan? ParseDuration(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var plainSeconds))
        {
            return TimeSpan.FromSeconds(plainSeconds);
        }

        var total = TimeSpan.Zero;
        var matched = 0;
        foreach (Match part in DurationPart().Matches(value))
        {
            var number = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "ns" => TimeSpan.Zero,
                _ => TimeSpan.FromMicroseconds(number),
            };
            matched += part.Length;
        }

        return matched == value.Trim().Length && matched > 0 ? total : null;
    }

    /// <summary>A one-line description for the <c>error</c> column; never includes request headers or keys.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        HttpOperationException { StatusCode: { } status } http =>
            $"HTTP {(int)status} {status}: {Shorten(http.ResponseContent ?? http.Message)}",
        HttpOperationException http => $"network error: {Shorten(http.InnerException?.Message ?? http.Message)}",
        TimeoutRejectedException => "timed out",
        _ => $"{exception.GetType().Name}: {Shorten(exception.Message)}",
    };

    private static bool IsQuotaExhausted(HttpOperationException http) => Has(http, "insufficient_quota");

    private static bool Has(HttpOperationException http, string marker) =>
        (http.ResponseContent?.Contains(marker, StringComparison.OrdinalIgnoreCase) ?? false)
        || (http.InnerException?.Message.Contains(marker, StringComparison.OrdinalIgnoreCase) ?? false);

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|h|m|s|us|µs|ns)")]
    private static partial Regex DurationPart();
}

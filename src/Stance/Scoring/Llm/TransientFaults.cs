using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Polly.Timeout;

namespace Stance.Scoring.Llm;

/// <summary>Classifies what an LLM call threw: which faults are worth retrying, and what the provider asked us to wait.</summary>
internal static class TransientFaults
{
    /// <summary>True for 408, 429, 5xx, network failures, attempt timeouts and unreadable response bodies.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        HttpOperationException { StatusCode: null } => true,
        HttpOperationException { StatusCode: var status } => IsTransient(status!.Value),
        TimeoutRejectedException or HttpRequestException or IOException or JsonException => true,
        ClientResultException { Status: 0 } => true,
        ClientResultException result => IsTransient((HttpStatusCode)result.Status),
        _ => false,
    };

    /// <summary>True for 401 and 403: every other paragraph would fail the same way, so the run stops.</summary>
    public static bool AbortsRun(Exception exception) =>
        exception is HttpOperationException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden };

    /// <summary>The wait the provider asked for in <c>retry-after-ms</c> or <c>Retry-After</c> (seconds or a date), if any.</summary>
    public static TimeSpan? RetryAfter(Exception exception, DateTimeOffset now)
    {
        var response = (exception as ClientResultException ?? exception.InnerException as ClientResultException)?.GetRawResponse();
        if (response is null)
        {
            return null;
        }

        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (response.Headers.TryGetValue("retry-after", out var after) && !string.IsNullOrWhiteSpace(after))
        {
            if (double.TryParse(after, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                return date > now ? date - now : TimeSpan.Zero;
            }
        }

        return null;
    }

    /// <summary>A one-line description for the <c>error</c> column; never includes request headers or keys.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        HttpOperationException { StatusCode: { } status } http => $"HTTP {(int)status} {status}: {Shorten(http.ResponseContent ?? http.Message)}",
        HttpOperationException http => $"network error: {Shorten(http.InnerException?.Message ?? http.Message)}",
        TimeoutRejectedException => "timed out",
        _ => $"{exception.GetType().Name}: {Shorten(exception.Message)}",
    };

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}

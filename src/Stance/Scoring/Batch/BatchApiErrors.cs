using System.Globalization;
using System.Net;
using System.Text.Json;
using Stance.Contract;

namespace Stance.Scoring.Batch;

/// <summary>How the Batch API's refusals become exceptions: 401/403 stop the run, 429, 408 and 5xx are retried
/// (after the provider's <c>retry-after</c>), any other is reported with the provider's message.</summary>
internal static class BatchApiErrors
{
    /// <summary>Returns when <paramref name="response"/> succeeded; otherwise throws what its status means for
    /// <paramref name="operation"/>.</summary>
    public static async Task EnsureSuccessAsync(string operation, HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var message = ErrorMessage(body) ?? $"HTTP {(int)response.StatusCode}";
        var status = response.StatusCode;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RunAbortedException(FailureKind.Auth,
                $"the provider refused the credentials for the Batch API ({operation}: {(int)status} {message})");
        }

        if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500)
        {
            throw new BatchTransientException($"{operation}: {(int)status} {message}", RetryAfter(response));
        }

        throw new BatchApiException(status, $"{operation}: {(int)status} {message}");
    }

    private static string? ErrorMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error)
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), CultureInfo.InvariantCulture, out var millis))
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        return response.Headers.RetryAfter?.Delta;
    }
}

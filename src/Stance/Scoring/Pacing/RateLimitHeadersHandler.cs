using System.Globalization;
using Stance.Scoring.Llm;

namespace Stance.Scoring.Pacing;

/// <summary>Reads the provider's <c>x-ratelimit-*</c> headers on every response: learns the announced limits for the
/// pacer, and when a limit is exhausted closes the run's gate until it resets, before a 429 is needed to say
/// so.</summary>
internal sealed class RateLimitHeadersHandler(RatePacer pacer, RateLimitGate gate) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            pacer.Observed();
        }

        pacer.Learn(Number(response, "x-ratelimit-limit-requests"), Number(response, "x-ratelimit-limit-tokens"));
        foreach (var limit in new[] { "requests", "tokens" })
        {
            if (Number(response, $"x-ratelimit-remaining-{limit}") is 0
                && response.Headers.TryGetValues($"x-ratelimit-reset-{limit}", out var values)
                && ProviderFaults.ParseDuration(values.FirstOrDefault()) is { } reset)
            {
                gate.Close(reset);
            }
        }

        return response;
    }

    private static int? Number(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}

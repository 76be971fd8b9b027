using System.Net;
using Microsoft.SemanticKernel;
using Polly;

namespace Stance.Scoring.Llm;

/// <summary>Tells "this server is down" from "this request can never succeed" for one ask of one paragraph: a 5xx
/// other than 502/503/504 whose body repeats word for word is the request's problem, not the server's. The first
/// such answer counts toward the circuit breaker; its repeats do not, and after <see cref="Limit"/> in a row the
/// paragraph fails without further retries, so one poisoned paragraph cannot take the run down.</summary>
internal sealed class RepeatedServerErrors
{
    /// <summary>How many identical answers in a row end the paragraph's retries.</summary>
    public const int Limit = 3;

    /// <summary>Where the tracker of an ask is kept in its Polly context.</summary>
    public static readonly ResiliencePropertyKey<RepeatedServerErrors> Key = new("stance.repeated-server-errors");

    private string? _last;

    /// <summary>How many times in a row the latest body came back (0 after any other outcome).</summary>
    public int Count { get; private set; }

    /// <summary>The latest failure repeats the one before it word for word.</summary>
    public bool IsRepeat => Count >= 2;

    /// <summary>The same body came back <see cref="Limit"/> times in a row: retrying cannot help.</summary>
    public bool GaveUp => Count >= Limit;

    /// <summary>Records the outcome of one attempt (null: it succeeded).</summary>
    public void Observe(Exception? failure)
    {
        if (failure is HttpOperationException { StatusCode: { } status } http && IsRequestSpecificCandidate(status))
        {
            var body = http.ResponseContent ?? http.Message;
            Count = string.Equals(body, _last, StringComparison.Ordinal) ? Count + 1 : 1;
            _last = body;
            return;
        }

        Count = 0;
        _last = null;
    }

    /// <summary>The tracker of the ask <paramref name="context"/> belongs to, if any.</summary>
    public static RepeatedServerErrors? Of(ResilienceContext context) =>
        context.Properties.TryGetValue(Key, out var tracker) ? tracker : null;

    // 502, 503 and 504 speak of the server or what stands in front of it, however often they repeat.
    private static bool IsRequestSpecificCandidate(HttpStatusCode status) =>
        (int)status >= 500 && status is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout);
}

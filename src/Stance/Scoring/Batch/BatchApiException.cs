using System.Net;

namespace Stance.Scoring.Batch;

/// <summary>The provider refused a Batch API call for good (a 4xx other than 401, 403, 408 and 429).</summary>
internal sealed class BatchApiException(HttpStatusCode statusCode, string message) : Exception(message)
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; } = statusCode;
}

namespace Stance.Scoring.Batch;

/// <summary>A Batch API call that may succeed when retried (429, 5xx, 408), with the wait the provider asked
/// for.</summary>
internal sealed class BatchTransientException(string message, TimeSpan? retryAfter) : Exception(message)
{
    /// <summary>The provider's <c>retry-after</c>, when it gave one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

namespace Stance.Scoring.Batch;

/// <summary>What happens to a batch line without a valid answer.</summary>
internal enum BatchRetry
{
    /// <summary>Asked again through the normal (synchronous) path.</summary>
    Sync,

    /// <summary>Submitted again in a follow-up batch.</summary>
    Batch,

    /// <summary>Written as a failed row.</summary>
    None,
}

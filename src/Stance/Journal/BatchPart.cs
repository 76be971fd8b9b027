namespace Stance.Journal;

/// <summary>One request file of a run's batches, as the ledger knows it.</summary>
/// <param name="Round">1 for the first submission; follow-up rounds re-submit lines that failed.</param>
/// <param name="LocalPath">The request file written before upload (deleted once uploaded).</param>
/// <param name="Status">The part's step or the batch's status: <c>written</c>, <c>uploaded</c>, then the provider's
/// (<c>validating</c>, <c>in_progress</c>, <c>finalizing</c>, <c>completed</c>, <c>failed</c>, <c>expired</c>,
/// <c>cancelling</c>, <c>cancelled</c>), or <c>not_submitted_budget</c> for a file the budget kept back.</param>
/// <param name="Errors">The provider's validation errors of a failed batch, as its JSON.</param>
/// <param name="Ingested">True once every line has its result in the ledger.</param>
internal sealed record BatchPart(
    string RunId,
    int Part,
    int Round,
    int Lines,
    long Bytes,
    long Tokens,
    string LocalPath,
    string? FileId,
    string? BatchId,
    string Status,
    string? OutputFileId,
    string? ErrorFileId,
    int Completed,
    int Failed,
    string? Errors,
    bool Ingested)
{
    /// <summary>The status of a part that was not submitted because it would pass the budget.</summary>
    public const string NotSubmittedStatus = "not_submitted_budget";

    /// <summary>True when the batch has ended and will change no more.</summary>
    public bool Ended => BatchStatus.IsEnd(Status);
}

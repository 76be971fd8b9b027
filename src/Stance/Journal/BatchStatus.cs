namespace Stance.Journal;

/// <summary>A batch's status as the provider last reported it.</summary>
/// <param name="Errors">The validation errors of a failed batch, as the provider's JSON; null otherwise.</param>
internal sealed record BatchStatus(
    string Status,
    string? OutputFileId,
    string? ErrorFileId,
    int Total,
    int Completed,
    int Failed,
    string? Errors)
{
    /// <summary>The provider statuses after which a batch changes no more.</summary>
    public static readonly IReadOnlyList<string> EndStatuses = ["completed", "failed", "expired", "cancelled"];

    /// <summary>True when <paramref name="status"/> is one a batch ends in.</summary>
    public static bool IsEnd(string status) => EndStatuses.Contains(status);
}

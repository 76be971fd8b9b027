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
    string? Errors);

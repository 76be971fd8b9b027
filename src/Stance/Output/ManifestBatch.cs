namespace Stance.Output;

/// <summary>One provider batch of a run (<c>--batch</c>): its request file and how it ended.</summary>
internal sealed record ManifestBatch(
    int Part,
    int Round,
    string? FileId,
    string? BatchId,
    string Status,
    int Lines,
    int Completed,
    int Failed);

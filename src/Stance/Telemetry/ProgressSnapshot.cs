namespace Stance.Telemetry;

/// <summary>The counts of a run at one moment.</summary>
internal sealed record ProgressSnapshot(
    int Documents,
    int Paragraphs,
    int Done,
    int Ok,
    int Failed,
    int Filtered,
    int Cached,
    int Requests,
    double RequestsPerSecond,
    TimeSpan Elapsed,
    TimeSpan? Eta);

using Stance.Output;

namespace Stance.Alerts;

/// <summary>The JSON body POSTed to <c>Stance:Alerts:WebhookUrl</c> (snake_case, as the manifest).</summary>
/// <param name="RunId">The run.</param>
/// <param name="RunDate">Its date.</param>
/// <param name="ExitCode">Its exit code (docs/exit-codes.md).</param>
/// <param name="Status"><c>ok</c> (exit code 0), <c>completed_with_failures</c> (3) or <c>failed</c> (any
/// other).</param>
/// <param name="Alerts">What the run raised, as in the manifest.</param>
/// <param name="Counts">The run's counts, as in the manifest; null for a run that stopped before its
/// manifest.</param>
/// <param name="Report">The run report: the dataset's location and the report's path in it; null without a
/// manifest.</param>
/// <param name="Manifest">The run manifest, likewise.</param>
internal sealed record WebhookPayload(
    string? RunId,
    DateOnly RunDate,
    int ExitCode,
    string Status,
    IReadOnlyList<ManifestAlert> Alerts,
    ManifestCounts? Counts,
    string? Report,
    string? Manifest);

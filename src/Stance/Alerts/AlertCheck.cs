using Stance.Output;
using Stance.Reporting;

namespace Stance.Alerts;

/// <summary>What <see cref="RunAlerts.CheckAsync"/> found: the alerts (for the manifest) and the trend window (for the
/// report; null when the dataset's history could not be read).</summary>
internal sealed record AlertCheck(IReadOnlyList<ManifestAlert> Alerts, RunTrends? Trends);

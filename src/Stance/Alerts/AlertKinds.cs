namespace Stance.Alerts;

/// <summary>The kinds of alert, as written in the manifest's <c>alerts</c> and the <c>stance.alerts</c> metric's
/// <c>kind</c> tag.</summary>
internal static class AlertKinds
{
    /// <summary>A watched target's stance labels on the run's night moved away from the trailing nights'.</summary>
    public const string Drift = "drift";

    /// <summary>The run wrote its tables but ended with an exit code other than 0 and 3 (credentials, quota,
    /// provider down, budget).</summary>
    public const string FailedRun = "failed_run";

    /// <summary>More than <c>Stance:Alerts:FailureShare</c> of the run's paragraphs failed.</summary>
    public const string FailureShare = "failure_share";
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Journal;
using Stance.Output;
using Stance.Prompts;
using Stance.Reporting;
using Stance.Telemetry;

namespace Stance.Alerts;

/// <summary>A finished run's alerts: a failed run, too many failed paragraphs, and the drift of a watched target's
/// stance labels over the trend window read back from the dataset. Each is logged (a warning) and counted
/// (<c>stance.alerts</c>); the manifest lists them and the webhook, when configured, receives them.</summary>
internal sealed partial class RunAlerts(
    IOptions<AlertOptions> options,
    StancePrompt prompt,
    StanceMetrics metrics,
    AlertWebhook webhook,
    ILogger<RunAlerts> logger)
{
    // The exit codes of a run that is not failed (docs/exit-codes.md): every paragraph scored, or some failed (whose
    // share has an alert of its own). Alerts may not use Hosting (the layering), so these copy Hosting's ExitCodes;
    // DriftTestTests.TheAlertsExitCodesAreTheJobsOwn holds them equal.
    internal const int Ok = 0;
    internal const int CompletedWithFailures = 3;

    /// <summary>Checks the run described by <paramref name="manifest"/>, whose parts are committed in
    /// <paramref name="dataset"/>; never throws for an unreadable history (the trends are then null).</summary>
    public async Task<AlertCheck> CheckAsync(
        IDataset dataset,
        RunManifest manifest,
        CancellationToken cancellationToken)
    {
        Checked = true;
        var settings = options.Value;
        var alerts = new List<ManifestAlert>();
        if (IsFailed(manifest.ExitCode))
        {
            alerts.Add(FailedRun(
                manifest.ExitCode,
                $"the run ended with exit code {manifest.ExitCode}" +
                (manifest.Aborted is { } abort ? $" ({abort.Kind}: {abort.Reason})" : string.Empty)));
        }

        var counts = manifest.Counts;
        var share = counts.Paragraphs == 0 ? 0 : (double)counts.Failed / counts.Paragraphs;
        if (share > settings.FailureShare)
        {
            alerts.Add(new ManifestAlert(
                AlertKinds.FailureShare,
                null,
                "failure_share",
                Math.Round(share, 6),
                settings.FailureShare,
                string.Create(CultureInfo.InvariantCulture,
                    $"{counts.Failed} of {counts.Paragraphs} paragraphs failed ({share:P1}), more than " +
                    $"{settings.FailureShare:P1}")));
        }

        RunTrends? trends = null;
        var targets = prompt.Targets.Targets.Select(t => t.Name).ToList();
        try
        {
            var run = new RunStamp(manifest.RunId, manifest.RunDate, manifest.Provider, manifest.Model,
                manifest.Prompt.Name, manifest.Prompt.Sha256);
            var nights = await TrendHistory.ReadAsync(dataset, run, targets, settings.TrendNights, cancellationToken)
                .ConfigureAwait(false);
            var drift = DriftTest.Evaluate(targets, nights, manifest.RunDate, settings);
            trends = new RunTrends(manifest.RunDate.AddDays(1 - settings.TrendNights), manifest.RunDate, targets,
                nights, drift, settings.MinCount, settings.PsiThreshold, settings.PValue);
            alerts.AddRange(drift.Where(d => d.Flagged).Select(d => DriftTest.Alert(d, settings)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The run's own work is written: a history that cannot be read costs the report its trends, no more.
            LogHistoryUnreadable(logger, ex.Message);
        }

        foreach (var alert in alerts)
        {
            LogAlert(logger, manifest.RunId, alert.Kind, alert.Message);
            metrics.Alert(alert.Kind);
        }

        return new AlertCheck(alerts, trends);
    }

    /// <summary>True once a run's manifest was checked (its alerts, a failed run's included, go with it).</summary>
    public bool Checked { get; private set; }

    /// <summary>A run that stopped before its manifest (exit <paramref name="exitCode"/>, e.g. a provider's batch
    /// refused, the output unwritable, a crash): a <c>failed_run</c> alert logged, counted and sent to the webhook
    /// when one is configured; never throws.</summary>
    public async Task NotifyStoppedAsync(int exitCode, DateOnly runDate, CancellationToken cancellationToken)
    {
        if (Checked || !IsFailed(exitCode))
        {
            return;
        }

        var alert = FailedRun(
            exitCode,
            string.Create(
                CultureInfo.InvariantCulture,
                $"the run stopped with exit code {exitCode} before writing its manifest (see the log)"));
        LogAlert(logger, "-", alert.Kind, alert.Message);
        metrics.Alert(alert.Kind);
        if (options.Value.Webhook is { } url)
        {
            var payload = new WebhookPayload(null, runDate, exitCode, Status(exitCode), [alert], null, null, null);
            await webhook.SendAsync(url, payload, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the manifest's alerts to the webhook, when there are some and one is configured; never throws
    /// (a failure is a warning). <paramref name="location"/> is the dataset's, <paramref name="manifestPath"/> the
    /// manifest's path in it.</summary>
    public async Task NotifyAsync(
        RunManifest manifest,
        string location,
        string manifestPath,
        CancellationToken cancellationToken)
    {
        if (manifest.Alerts is not { Count: > 0 } alerts || options.Value.Webhook is not { } url)
        {
            return;
        }

        var payload = new WebhookPayload(
            manifest.RunId,
            manifest.RunDate,
            manifest.ExitCode,
            Status(manifest.ExitCode),
            alerts,
            manifest.Counts,
            $"{location}/{RunReport.PathFor(manifestPath)}",
            $"{location}/{manifestPath}");
        await webhook.SendAsync(url, payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The webhook's <c>status</c> for <paramref name="exitCode"/>: <c>ok</c> (0),
    /// <c>completed_with_failures</c> (3) or <c>failed</c> (any other).</summary>
    internal static string Status(int exitCode) => exitCode switch
    {
        Ok => "ok",
        CompletedWithFailures => "completed_with_failures",
        _ => "failed",
    };

    /// <summary>The <c>failed_run</c> alert of a run that ended with <paramref name="exitCode"/>.</summary>
    internal static ManifestAlert FailedRun(int exitCode, string message) =>
        new(AlertKinds.FailedRun, null, "exit_code", exitCode, null, message);

    // Whether a run that ended with exitCode failed: any code but 0 and 3.
    private static bool IsFailed(int exitCode) => exitCode is not (Ok or CompletedWithFailures);

    [LoggerMessage(EventId = 193, Level = LogLevel.Warning, Message = "Run {RunId} alert ({Kind}): {Message}")]
    private static partial void LogAlert(ILogger logger, string runId, string kind, string message);

    [LoggerMessage(EventId = 194, Level = LogLevel.Warning,
        Message = "The dataset's earlier nights could not be read for the trends and the drift test: {Reason}")]
    private static partial void LogHistoryUnreadable(ILogger logger, string reason);
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Stance.Telemetry;

/// <summary>Shows a run's progress: a live bar on a terminal, else a plain log line every few seconds (never control
/// codes).</summary>
internal sealed partial class ProgressReporter(
    RunProgress progress,
    IOptions<ProgressOptions> options,
    TimeProvider time,
    ILogger<ProgressReporter> logger)
{
    /// <summary>True when standard output is an interactive terminal that can show a live display.</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Reports until <paramref name="work"/> completes.</summary>
    public async Task TrackAsync(Task work)
    {
        if (IsTerminal)
        {
            await AnsiConsole.Progress()
                .Columns(
                    new TaskDescriptionColumn(),
                    new ProgressBarColumn(),
                    new PercentageColumn(),
                    new RemainingTimeColumn(),
                    new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("paragraphs", maxValue: Math.Max(1, progress.Snapshot().Paragraphs));
                    while (!work.IsCompleted)
                    {
                        Update(bar, progress.Snapshot());
                        await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(250), time))
                            .ConfigureAwait(false);
                    }

                    Update(bar, progress.Snapshot());
                }).ConfigureAwait(false);
            await work.ConfigureAwait(false);
            return;
        }

        var interval = options.Value.ProgressInterval;
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(interval, time)).ConfigureAwait(false);
            if (!work.IsCompleted)
            {
                Log(progress.Snapshot());
            }
        }

        await work.ConfigureAwait(false);
    }

    private static void Update(ProgressTask bar, ProgressSnapshot s)
    {
        bar.Value = s.Done;
        bar.Description = string.Create(
            CultureInfo.InvariantCulture,
            $"{s.Documents} docs, {s.Done}/{s.Paragraphs} paragraphs: [green]{s.Ok} ok[/] [red]{s.Failed} failed[/] " +
            $"{s.Filtered} filtered {s.Cached} cached, {s.RequestsPerSecond:F1} req/s");
    }

    private void Log(ProgressSnapshot s) => LogProgress(
        logger,
        s.Done,
        s.Paragraphs,
        s.Ok,
        s.Failed,
        s.Filtered,
        s.Cached,
        s.Documents,
        s.RequestsPerSecond,
        s.Eta is { } eta ? eta.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "unknown");

    [LoggerMessage(
        EventId = 30,
        Level = LogLevel.Information,
        Message = "Progress: {Done}/{Paragraphs} paragraphs (ok {Ok}, failed {Failed}, filtered {Filtered}, " +
            "cached {Cached}) from {Documents} documents, {RequestsPerSecond:F1} requests/s, ETA {Eta}")]
    private static partial void LogProgress(
        ILogger logger,
        int done,
        int paragraphs,
        int ok,
        int failed,
        int filtered,
        int cached,
        int documents,
        double requestsPerSecond,
        string eta);
}

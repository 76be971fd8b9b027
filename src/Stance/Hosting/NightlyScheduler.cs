using Cronos;
using Microsoft.Extensions.Logging;

namespace Stance.Hosting;

/// <summary>Starts a run at each occurrence of a cron expression; a run still going when the next is due is not
/// overlapped: that occurrence is skipped and logged.</summary>
internal sealed partial class NightlyScheduler(IBatchJob job, TimeProvider time, ILogger<NightlyScheduler> logger)
{
    /// <summary>Parses a 5-field (minutes) or 6-field (seconds) cron expression.</summary>
    public static CronExpression Parse(string cron) =>
        CronExpression.Parse(
            cron.Trim(),
            cron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6
                ? CronFormat.IncludeSeconds
                : CronFormat.Standard);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; returns 0 on a clean stop.</summary>
    public async Task<int> RunAsync(string cron, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var expression = Parse(cron);
        Task? running = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                if (expression.GetNextOccurrence(now, zone) is not { } next)
                {
                    LogNoMore(logger, cron);
                    break;
                }

                LogNext(logger, next);
                await Task.Delay(next - now, time, cancellationToken).ConfigureAwait(false);
                if (running is { IsCompleted: false })
                {
                    LogSkipped(logger, next);
                    continue;
                }

                running = RunOnceAsync(next, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private async Task RunOnceAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var summary = await job.RunAsync(cancellationToken).ConfigureAwait(false);
            LogRunEnded(logger, due, summary.RunId, summary.ExitCode);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogRunCrashed(logger, due, ex);
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Next scheduled run at {Next:O}")]
    private static partial void LogNext(ILogger logger, DateTimeOffset next);

    [LoggerMessage(
        EventId = 61,
        Level = LogLevel.Warning,
        Message = "Scheduled run at {Due:O} skipped: the previous run is still going")]
    private static partial void LogSkipped(ILogger logger, DateTimeOffset due);

    [LoggerMessage(
        EventId = 62,
        Level = LogLevel.Information,
        Message = "Scheduled run of {Due:O} ({RunId}) ended with exit code {ExitCode}")]
    private static partial void LogRunEnded(ILogger logger, DateTimeOffset due, string runId, int exitCode);

    [LoggerMessage(
        EventId = 63,
        Level = LogLevel.Error,
        Message = "Scheduled run of {Due:O} crashed; the schedule goes on")]
    private static partial void LogRunCrashed(ILogger logger, DateTimeOffset due, Exception exception);

    [LoggerMessage(EventId = 64, Level = LogLevel.Warning, Message = "The schedule '{Cron}' has no further occurrence")]
    private static partial void LogNoMore(ILogger logger, string cron);
}

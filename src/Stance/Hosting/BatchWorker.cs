using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Stance.Hosting;

/// <summary>Runs one batch when the host starts, records the exit code and stops the host.</summary>
internal sealed partial class BatchWorker(BatchJob job, RunOutcome outcome, IHostApplicationLifetime lifetime, ILogger<BatchWorker> logger)
    : BackgroundService
{
    /// <summary>Runs the batch; cancellation (Ctrl-C, SIGTERM) ends it without writing tables.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var summary = await job.RunAsync(stoppingToken).ConfigureAwait(false);
            outcome.ExitCode = summary.ExitCode;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogCancelled(logger);
            outcome.ExitCode = ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            LogCrashed(logger, ex);
            outcome.ExitCode = ExitCodes.Crashed;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(EventId = 90, Level = LogLevel.Warning, Message = "Run cancelled before its tables were written; nothing was written.")]
    private static partial void LogCancelled(ILogger logger);

    [LoggerMessage(EventId = 91, Level = LogLevel.Critical, Message = "Run crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception);
}

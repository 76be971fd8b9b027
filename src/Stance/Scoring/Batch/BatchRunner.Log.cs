using Microsoft.Extensions.Logging;

namespace Stance.Scoring.Batch;

/// <summary>The batch step's log messages.</summary>
internal sealed partial class BatchRunner
{
    [LoggerMessage(EventId = 62, Level = LogLevel.Information,
        Message = "Batch: request file {Part} uploaded ({Lines} lines, {Bytes} bytes) as {FileId}")]
    private static partial void LogUploaded(ILogger logger, int part, int lines, long bytes, string fileId);

    [LoggerMessage(EventId = 63, Level = LogLevel.Information,
        Message = "Batch {BatchId} created for request file {Part} ({Lines} lines); "
            + "the provider expects it by {ExpiresAt}")]
    private static partial void LogCreated(ILogger logger, string batchId, int part, int lines, string expiresAt);

    [LoggerMessage(EventId = 64, Level = LogLevel.Information,
        Message = "Batch {BatchId} (file {Part}): {Status}, {Done} of {Total} requests done, {Failed} failed")]
    private static partial void LogStatus(
        ILogger logger, string batchId, int part, string status, int done, int total, int failed);

    [LoggerMessage(EventId = 65, Level = LogLevel.Information,
        Message = "Batch {BatchId} (file {Part}) {Status}: {Answered} lines recorded, {Missing} without an answer")]
    private static partial void LogIngested(
        ILogger logger, string batchId, int part, string status, int answered, int missing);

    [LoggerMessage(EventId = 66, Level = LogLevel.Warning,
        Message = "Run {RunId}: {Open} batches still running; not waiting (Stance:Batch:Wait=false). "
            + "A later run with --batch collects them and writes the tables.")]
    private static partial void LogPending(ILogger logger, string runId, int open);

    [LoggerMessage(EventId = 67, Level = LogLevel.Warning,
        Message = "The batches did not end within Stance:Batch:MaxWait ({MaxWait}); cancelling them. "
            + "Their finished lines are kept; the rest follow Stance:Batch:Retry.")]
    private static partial void LogDeadline(ILogger logger, TimeSpan maxWait);

    [LoggerMessage(EventId = 68, Level = LogLevel.Warning,
        Message = "Batch {BatchId} (file {Part}) cancelled: {Status}")]
    private static partial void LogCancelled(ILogger logger, string batchId, int part, string status);

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning,
        Message = "Batch: request file {Part} ({Lines} lines) not submitted: {Reason}")]
    private static partial void LogKeptBack(ILogger logger, int part, int lines, string reason);
}

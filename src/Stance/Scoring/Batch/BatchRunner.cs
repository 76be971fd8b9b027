using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Contract;
using Stance.Journal;
using Stance.Storage;

namespace Stance.Scoring.Batch;

/// <summary>The batch step of a run (<c>--batch</c>): has a request line written (<see cref="BatchRequestWriter"/>) for
/// each paragraph a synchronous run would
/// call (answers in the journal, and texts already asked, are skipped), in files split by count and bytes; uploads
/// each file and creates its batch, journaling the file id and the batch id before the next step; polls until the
/// batches end; and records every line's result in the journal's ledger. The rows are made afterwards by the normal
/// scoring run, whose scorer reads these results (<see cref="BatchAnswers"/>). A run that was stopped at any step
/// resumes from the ledger: it attaches to the files and batches it made and never submits a line twice. A request
/// file that would take the run past its budget is not submitted (nor any after it): its lines are recorded as
/// <c>budget</c>.</summary>
internal sealed partial class BatchRunner(
    IOptions<BatchOptions> options,
    BatchApiClient client,
    BatchRequestWriter writer,
    RequestCapture capture,
    RunBudget budget,
    TimeProvider time,
    ILogger<BatchRunner> logger)
{
    // Line results are committed in chunks: a crash loses at most a chunk, which is downloaded again.
    private const int ResultsPerCommit = 10_000;

    /// <summary>Submits what needs an answer, waits (unless told not to) and records the results.</summary>
    public async Task<BatchCollection> RunAsync(BatchWork work, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var body = await work.Scorer.CaptureRequestBodyAsync(RequestCapture.ServiceKey, capture, cancellationToken)
            .ConfigureAwait(false);
        var template = RequestTemplate.FromCapturedBody(body);
        var parts = work.Ledger.Parts(work.Run.RunId);
        foreach (var lost in parts.Where(p => p.FileId is null && !p.Ingested && !File.Exists(p.LocalPath)))
        {
            // Written before a crash that took the file with it (its folder was not yet on disk): write it again.
            work.Ledger.Release(work.Run.RunId, lost.Part);
        }

        var round = parts.Count == 0 ? 1 : parts.Max(p => p.Round);
        var rounds = settings.RetryMode == BatchRetry.Batch ? settings.MaxRounds : 1;
        var wait = new Deadline(time.GetUtcNow() + settings.MaxWait);
        for (; round <= rounds && !wait.Passed; round++)
        {
            var written = writer.WriteParts(work, template, round);
            if (round > 1 && written == 0 && work.Ledger.Parts(work.Run.RunId).All(p => p.Round < round))
            {
                break; // nothing failed in the previous round
            }

            if (!await SubmitAndCollectAsync(work, round, wait, cancellationToken).ConfigureAwait(false))
            {
                return new BatchCollection(false, work.Ledger.Parts(work.Run.RunId));
            }
        }

        // What the batches cost is spent before the scoring pass asks anything again synchronously.
        var collected = work.Ledger.Parts(work.Run.RunId);
        budget.Record(collected.Where(p => p.BatchId is not null).Sum(p => Actual(work, p)));
        return new BatchCollection(true, collected);
    }

    /// <summary>Cancels the batches of <paramref name="runId"/> that have not ended; returns how many.</summary>
    public async Task<int> CancelAsync(BatchLedger ledger, string runId, CancellationToken cancellationToken)
    {
        var cancelled = 0;
        foreach (var part in ledger.Parts(runId).Where(p => p.BatchId is not null && !p.Ended))
        {
            BatchInfo info;
            try
            {
                info = await client.CancelAsync(part.BatchId!, cancellationToken).ConfigureAwait(false);
            }
            catch (BatchApiException)
            {
                // Refused, most likely because it ended meanwhile: record what it is now.
                info = await client.RetrieveAsync(part.BatchId!, cancellationToken).ConfigureAwait(false);
            }

            ledger.Polled(runId, part.Part, info.ToStatus());
            LogCancelled(logger, info.Id, part.Part, info.Status);
            cancelled++;
        }

        return cancelled;
    }

    private async Task<bool> SubmitAndCollectAsync(
        BatchWork work,
        int round,
        Deadline wait,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var run = work.Run.RunId;
        while (true)
        {
            var parts = work.Ledger.Parts(run).Where(p => p.Round == round).ToList();
            if (wait.Passed)
            {
                NotSubmitted(work, parts);
            }
            else
            {
                await SubmitAsync(work, parts, cancellationToken).ConfigureAwait(false);
            }

            parts = work.Ledger.Parts(run).Where(p => p.Round == round).ToList();
            foreach (var part in parts.Where(p => p.BatchId is not null && !p.Ingested))
            {
                var info = part.Ended
                    ? null
                    : await client.RetrieveAsync(part.BatchId!, cancellationToken).ConfigureAwait(false);
                if (info is not null)
                {
                    work.Ledger.Polled(run, part.Part, info.ToStatus());
                    if (info.Status != part.Status || info.Completed != part.Completed)
                    {
                        LogStatus(logger, info.Id, part.Part, info.Status, info.Completed + info.Failed, info.Total,
                            info.Failed);
                    }
                }

                if (info?.Ended ?? part.Ended)
                {
                    await IngestAsync(work, work.Ledger.Parts(run).First(p => p.Part == part.Part), cancellationToken)
                        .ConfigureAwait(false);
                }
            }

            parts = work.Ledger.Parts(run).Where(p => p.Round == round).ToList();
            if (parts.All(p => p.Ingested))
            {
                return true;
            }

            if (!settings.Wait)
            {
                LogPending(logger, work.Run.RunId, parts.Count(p => !p.Ingested));
                return false;
            }

            if (!wait.Passed && time.GetUtcNow() >= wait.At)
            {
                wait.Passed = true;
                LogDeadline(logger, settings.MaxWait);
                await CancelAsync(work.Ledger, run, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var jitter = 0.9 + (Random.Shared.NextDouble() * 0.2);
            await Task.Delay(settings.PollInterval * jitter, time, cancellationToken).ConfigureAwait(false);
        }
    }

    // Past MaxWait nothing more is submitted: the lines of files not yet submitted are recorded as expired.
    private static void NotSubmitted(BatchWork work, List<BatchPart> parts)
    {
        foreach (var part in parts.Where(p => p.BatchId is null && !p.Ingested))
        {
            var keys = work.Ledger.KeysWithoutResult(work.Run.RunId, part.Part);
            work.Ledger.AddResults(work.Run.RunId, [.. keys.Select(key => new BatchLineResult(key, part.Round,
                "not-submitted", null, null, null, null, null, null, FailureKind.BatchExpired,
                "not submitted: Stance:Batch:MaxWait passed first"))]);
            work.Ledger.Ingested(work.Run.RunId, part.Part);
        }
    }

    /// <summary>When the run stops waiting (<c>Stance:Batch:MaxWait</c>), across its rounds.</summary>
    private sealed class Deadline(DateTimeOffset at)
    {
        public DateTimeOffset At { get; } = at;

        public bool Passed { get; set; }
    }

    // Uploads and creates the batches of the parts that have none, within the enqueued-token limit.
    private async Task SubmitAsync(BatchWork work, List<BatchPart> parts, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxEnqueuedTokens;
        var enqueued = parts.Where(p => p.BatchId is not null && !p.Ended).Sum(p => p.Tokens);
        foreach (var part in parts.Where(p => p.BatchId is null && !p.Ingested))
        {
            if (limit is { } max && enqueued > 0 && enqueued + part.Tokens > max)
            {
                return; // the next wave waits for earlier batches to end
            }

            if (!Affordable(work, part))
            {
                await KeepBackAsync(work, part, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var run = work.Run.RunId;
            var name = FileName(run, part.Part);
            var fileId = part.FileId;
            if (fileId is null)
            {
                fileId = await client.FindFileAsync(name, cancellationToken).ConfigureAwait(false)
                    ?? await client.UploadAsync(part.LocalPath, name, cancellationToken).ConfigureAwait(false);
                CrashPoint.Reached("batch-uploaded", work.StateFolder);
                work.Ledger.Uploaded(run, part.Part, fileId);
                LogUploaded(logger, part.Part, part.Lines, part.Bytes, fileId);
            }

            if (File.Exists(part.LocalPath))
            {
                File.Delete(part.LocalPath);
            }

            var tags = Tags(run, part);
            var batch = await client.FindBatchAsync(tags, cancellationToken).ConfigureAwait(false)
                ?? await client.CreateAsync(fileId, tags, cancellationToken).ConfigureAwait(false);
            CrashPoint.Reached("batch-created", work.StateFolder);
            work.Ledger.Created(run, part.Part, batch.Id, batch.Status);
            enqueued += part.Tokens;
            var expected = batch.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "unknown";
            LogCreated(logger, batch.Id, part.Part, part.Lines, expected);
        }
    }

    // True when the part fits the budget with the run's batches on top of the spend so far: an ended batch at what its
    // lines reported, an open one at its estimate.
    private bool Affordable(BatchWork work, BatchPart part)
    {
        if (budget.MaxCost is null)
        {
            return true;
        }

        var committed = work.Ledger.Parts(work.Run.RunId)
            .Where(p => p.BatchId is not null)
            .Sum(p => p.Ingested ? Actual(work, p) : Estimate(work, p));
        return budget.AdmitsBatchFile(committed, Estimate(work, part), part.Part);
    }

    private double Estimate(BatchWork work, BatchPart part) =>
        budget.BatchFileEstimate(part.Tokens, (long)part.Lines * work.Scorer.AnswerTokenBound);

    private double Actual(BatchWork work, BatchPart part)
    {
        var (input, output, cached) = work.Ledger.Usage(work.Run.RunId, part.BatchId!);
        return budget.BatchCost(input, output, cached);
    }

    // The part is not submitted: its lines are recorded as kept back by the budget, its file removed.
    private async Task KeepBackAsync(BatchWork work, BatchPart part, CancellationToken cancellationToken)
    {
        var reason = budget.Exceeded ?? "the budget is spent";
        work.Ledger.NotSubmitted(work.Run.RunId, part.Part, $"not submitted: {reason}");
        LogKeptBack(logger, part.Part, part.Lines, reason);
        if (File.Exists(part.LocalPath))
        {
            File.Delete(part.LocalPath);
        }

        if (part.FileId is { } uploaded && options.Value.DeleteFiles)
        {
            await client.DeleteFileAsync(uploaded, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task IngestAsync(BatchWork work, BatchPart part, CancellationToken cancellationToken)
    {
        var run = work.Run.RunId;
        if (part.Status == "failed")
        {
            var errors = BatchInfo.ErrorLines(part.Errors);
            work.Ledger.Release(run, part.Part);
            if (options.Value.DeleteFiles && part.FileId is { } input)
            {
                await client.DeleteFileAsync(input, cancellationToken).ConfigureAwait(false);
            }

            throw new BatchFailedException(
                $"batch {part.BatchId} (request file {part.Part}, {part.Lines} lines) failed the provider's "
                + $"validation: {string.Join("; ", errors.Take(10))}"
                + (errors.Count > 10 ? $"; and {errors.Count - 10} more" : string.Empty)
                + ". Nothing of it was paid; fix the cause and run again: its lines are submitted again.");
        }

        var results = new List<BatchLineResult>(ResultsPerCommit);
        foreach (var fileId in new[] { part.OutputFileId, part.ErrorFileId }.OfType<string>())
        {
            await client.DownloadLinesAsync(
                fileId,
                line =>
                {
                    CrashPoint.Reached("batch-downloading", work.StateFolder);
                    results.Add(BatchOutputLine.Parse(line, part.Round, part.BatchId!));
                    if (results.Count >= ResultsPerCommit)
                    {
                        work.Ledger.AddResults(run, results);
                        results.Clear();
                    }

                    return ValueTask.CompletedTask;
                },
                cancellationToken).ConfigureAwait(false);
        }

        work.Ledger.AddResults(run, results);
        var (kind, why) = part.Status switch
        {
            "expired" => (FailureKind.BatchExpired, "the batch expired before answering it"),
            "cancelled" => (FailureKind.BatchCancelled, "the batch was cancelled before answering it"),
            _ => (FailureKind.BatchLineError, "the batch ended without a line for it"),
        };
        var missing = work.Ledger.KeysWithoutResult(run, part.Part)
            .Select(key => new BatchLineResult(key, part.Round, part.BatchId!, null, null, null, null, null, null, kind,
                $"{why} (batch {part.BatchId})"))
            .ToList();
        work.Ledger.AddResults(run, missing);
        work.Ledger.Ingested(run, part.Part);
        LogIngested(logger, part.BatchId!, part.Part, part.Status, part.Lines - missing.Count, missing.Count);
        if (options.Value.DeleteFiles)
        {
            foreach (var fileId in new[] { part.FileId, part.OutputFileId, part.ErrorFileId }.OfType<string>())
            {
                await client.DeleteFileAsync(fileId, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The name a part is uploaded under, by which a resumed run finds it.</summary>
    public static string FileName(string runId, int part) => $"stance-{runId}-part-{part:D5}.jsonl";

    /// <summary>The metadata a part's batch is tagged with, by which a resumed run finds it.</summary>
    public static IReadOnlyDictionary<string, string> Tags(string runId, BatchPart part) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["stance_run_id"] = runId,
            ["stance_part"] = part.Part.ToString(CultureInfo.InvariantCulture),
            ["stance_round"] = part.Round.ToString(CultureInfo.InvariantCulture),
        };



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

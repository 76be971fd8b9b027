using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Contract;
using Stance.Journal;

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
}

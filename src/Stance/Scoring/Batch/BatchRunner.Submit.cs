using System.Globalization;
using Stance.Journal;
using Stance.Storage;

namespace Stance.Scoring.Batch;

/// <summary>Submitting a round's request files: each uploaded and its batch created (found again, by its name and
/// tags, when a stopped run made them), within the enqueued-token limit and the budget.</summary>
internal sealed partial class BatchRunner
{
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
}

using Stance.Contract;
using Stance.Journal;
using Stance.Storage;

namespace Stance.Scoring.Batch;

/// <summary>Collecting an ended batch: its output and error files read into the ledger, a line it did not answer
/// recorded with why, its files deleted; a batch that failed validation stops the run.</summary>
internal sealed partial class BatchRunner
{
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
}

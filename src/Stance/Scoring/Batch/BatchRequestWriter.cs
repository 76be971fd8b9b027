using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Contract;
using Stance.Journal;
using Stance.Paragraphs;
using Stance.Scoring.Llm;
using Stance.Storage;

namespace Stance.Scoring.Batch;

/// <summary>Writes a run's request files: a line for each paragraph the round needs (a first ask, or, with
/// <c>Retry = batch</c>, a line that failed or was rejected in the previous round), from the captured request
/// template, streamed to files split by count and bytes. Each file reaches the disk with its folder before the ledger
/// commits its keys, so a key in the ledger is a line on disk.</summary>
internal sealed partial class BatchRequestWriter(
    IOptions<BatchOptions> options,
    BatchEndpoint endpoint,
    ILogger<BatchRequestWriter> logger)
{
    // Writes the lines of `round` not yet submitted; returns how many. Idempotent: a key already in a part of this
    // round is skipped, so a run stopped while writing resumes where it was.
    internal int WriteParts(BatchWork work, RequestTemplate template, int round)
    {
        var settings = options.Value;
        var run = work.Run;
        var ledger = work.Ledger;
        var partNumber = ledger.Parts(run.RunId).Select(p => p.Part).DefaultIfEmpty(0).Max();
        var line = new StringBuilder();
        var afterKey = $"\",\"method\":\"POST\",\"url\":{JsonSerializer.Serialize(endpoint.LinePath)},\"body\":";
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        PartWriter? part = null;
        var written = 0;
        try
        {
            foreach (var paragraph in work.Input())
            {
                var key = RequestKey.For(paragraph, run.PromptSha256, run.Provider, run.Model);
                if (Feedback(work, paragraph, key, round) is not { } feedback)
                {
                    continue;
                }

                work.Scorer.PromptValues(paragraph, feedback, values);
                line.Clear();
                line.Append("{\"custom_id\":\"").Append(key).Append(afterKey);
                template.Append(line, values);
                line.Append("}\n");
                var text = line.ToString();
                var bytes = Encoding.UTF8.GetByteCount(text);
                if (bytes > settings.MaxFileBytes)
                {
                    LogOversized(logger, paragraph.Id, bytes, settings.MaxFileBytes);
                    continue; // no file can hold it: the scoring pass treats it as a line no batch answered
                }

                if (part is not null && (part.Lines >= settings.MaxRequestsPerFile
                    || part.Bytes + bytes > settings.MaxFileBytes))
                {
                    Close(ledger, part);
                    part = null;
                }

                part ??= Open(work, ++partNumber, round);
                if (!ledger.TryAddLine(run.RunId, key, round, part.Number))
                {
                    continue; // asked already (a text twice, or before a stop)
                }

                part.Write(text, bytes, work.Scorer.EstimateTokens(paragraph));
                written++;
            }

            if (part is not null)
            {
                if (part.Lines > 0)
                {
                    Close(ledger, part);
                }
                else
                {
                    ledger.AbandonPart();
                    part.Dispose();
                    File.Delete(part.Path);
                }

                part = null;
            }
        }
        finally
        {
            if (part is not null)
            {
                ledger.AbandonPart();
                part.Dispose();
            }
        }

        if (written > 0)
        {
            LogWritten(logger, written, round);
        }

        return written;
    }

    // The feedback a line of `round` carries (empty for a first ask), or null when the paragraph needs no line.
    private static string? Feedback(BatchWork work, Paragraph paragraph, string key, int round)
    {
        if (round == 1)
        {
            return work.Store.Find(key) is { } stored && (stored.RunId == work.Run.RunId || work.ReuseEarlierRuns)
                ? null
                : string.Empty;
        }

        var result = work.Ledger.Result(work.Run.RunId, key);
        if (result is null || result.Round != round - 1 || result.ErrorKind == FailureKind.Budget)
        {
            return null; // a line kept back by the budget is not submitted in a later round either
        }

        if (result.StatusCode != 200)
        {
            return string.Empty;
        }

        if (result.FinishReason is "content_filter" or "length")
        {
            return null; // a refusal is final; a cut-off answer is asked again with more room by the sync path
        }

        var check = work.Scorer.Validate(result.Content, paragraph);
        return check.Answer is null ? KernelParagraphScorer.RejectionFeedback(check.Reason!) : null;
    }

    private static PartWriter Open(BatchWork work, int number, int round)
    {
        Directory.CreateDirectory(work.Folder);
        var part = new PartWriter(work.Run.RunId, number, round, Path.Combine(work.Folder, $"part-{number:D5}.jsonl"));
        work.Ledger.BeginPart(); // only once the file is open: a part whose file failed leaves no transaction
        return part;
    }

    // The file reaches the disk before the ledger says it is written; the ledger's commit makes its keys submitted.
    private static void Close(BatchLedger ledger, PartWriter part)
    {
        part.Flush();
        DirectorySync.Flush([Path.GetDirectoryName(part.Path)!]);
        ledger.CommitPart(part.ToPart());
        part.Dispose();
    }

    [LoggerMessage(EventId = 69, Level = LogLevel.Warning,
        Message = "Paragraph {ParagraphId}: its request line has {Bytes} bytes, more than Stance:Batch:MaxFileBytes "
            + "({MaxBytes}); it is not batched")]
    private static partial void LogOversized(ILogger logger, string paragraphId, int bytes, long maxBytes);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information,
        Message = "Batch: {Lines} request lines written for round {Round}")]
    private static partial void LogWritten(ILogger logger, int lines, int round);
}

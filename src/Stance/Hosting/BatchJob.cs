using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Documents;
using Stance.Output;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Scoring;
using Stance.Scoring.Lexicon;

namespace Stance.Hosting;

/// <summary>One batch: read documents, split paragraphs, score them with bounded concurrency, write the tables.</summary>
internal sealed partial class BatchJob(
    IOptions<StanceOptions> options,
    StancePrompt prompt,
    IParagraphScorer scorer,
    ParquetOutput output,
    TimeProvider time,
    ILogger<BatchJob> logger)
{
    /// <summary>Runs the batch and returns its summary; throws only on cancellation or an unexpected error.</summary>
    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var run = new RunStamp($"{now:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}"[..25], DateOnly.FromDateTime(now.UtcDateTime),
            scorer.Provider, scorer.Model, prompt.Name, prompt.Sha256);

        LogStarting(logger, run.RunId, scorer.Provider, scorer.Model, prompt.Name, prompt.Sha256[..12], settings.Input);
        if (scorer.Provider == LexiconScorer.ProviderName)
        {
            LogNoLlm(logger);
        }

        var (paragraphs, badDocuments, documentCount) = ReadParagraphs(settings.Input);
        var results = new (ScoreOutcome Outcome, DateTimeOffset At)?[paragraphs.Count];
        var abortReason = await ScoreAllAsync(paragraphs, results, settings.Concurrency, cancellationToken).ConfigureAwait(false);

        var paragraphRows = new List<ParagraphRow>(paragraphs.Count);
        var targetRows = new List<TargetRow>();
        for (var i = 0; i < paragraphs.Count; i++)
        {
            var (outcome, at) = results[i] ?? (ScoreOutcome.Failed($"not scored: the run was aborted ({abortReason})", 0, null, null, 0), time.GetUtcNow());
            paragraphRows.Add(RowMapper.ToParagraphRow(run, paragraphs[i], outcome, at));
            targetRows.AddRange(RowMapper.ToTargetRows(run, paragraphs[i], outcome));
        }

        var files = await output.WriteAsync(settings.Output, run, paragraphRows, targetRows, CancellationToken.None).ConfigureAwait(false);
        var ok = paragraphRows.Count(r => r.Status == "ok");
        var exitCode = abortReason is not null ? ExitCodes.Aborted
            : ok < paragraphRows.Count || badDocuments > 0 ? ExitCodes.CompletedWithFailures
            : ExitCodes.Ok;
        var summary = new RunSummary(run.RunId, documentCount, badDocuments, paragraphRows.Count, ok, paragraphRows.Count - ok,
            paragraphRows.Sum(r => (long)(r.InputTokens ?? 0)), paragraphRows.Sum(r => (long)(r.OutputTokens ?? 0)),
            time.GetElapsedTime(started), files, exitCode);
        var outputFolder = Path.GetFullPath(settings.Output);
        LogSummary(logger, summary.RunId, summary.Documents, summary.BadDocuments, summary.Paragraphs, summary.Ok, summary.Failed,
            summary.InputTokens, summary.OutputTokens, summary.Duration.TotalSeconds, outputFolder, summary.ExitCode);
        return summary;
    }

    private (List<Paragraph> Paragraphs, int BadDocuments, int Documents) ReadParagraphs(string input)
    {
        var batch = DocumentReader.Read(input);
        var paragraphs = new List<Paragraph>();
        var bad = batch.Problems.Count;
        foreach (var problem in batch.Problems)
        {
            LogBadDocument(logger, problem.SourcePath, problem.Reason);
        }

        foreach (var document in batch.Documents)
        {
            var split = ParagraphSplitter.Split(document).Paragraphs;
            if (split.Count == 0)
            {
                bad++;
                LogBadDocument(logger, document.Id, "no paragraphs after the title");
            }

            paragraphs.AddRange(split);
        }

        LogRead(logger, batch.Documents.Count, bad, paragraphs.Count);
        return (paragraphs, bad, batch.Documents.Count);
    }

    private async Task<string?> ScoreAllAsync(List<Paragraph> paragraphs, (ScoreOutcome, DateTimeOffset)?[] results, int concurrency, CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? abortReason = null;
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, paragraphs.Count),
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = abort.Token },
                async (i, ct) =>
                {
                    try
                    {
                        var outcome = await scorer.ScoreAsync(paragraphs[i], ct).ConfigureAwait(false);
                        results[i] = (outcome, time.GetUtcNow());
                        if (outcome.Status != ParagraphStatus.Ok)
                        {
                            LogParagraphFailed(logger, paragraphs[i].DocumentId, paragraphs[i].Index, outcome.Error!);
                        }
                    }
                    catch (RunAbortedException ex)
                    {
                        if (Interlocked.CompareExchange(ref abortReason, ex.Message, null) is null)
                        {
                            LogAborted(logger, ex.Message);
                        }

                        await abort.CancelAsync().ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abortReason is not null && !cancellationToken.IsCancellationRequested)
        {
        }

        return abortReason;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Run {RunId}: provider {Provider}, model {Model}, prompt {Prompt} ({PromptSha}), input {Input}")]
    private static partial void LogStarting(ILogger logger, string runId, string provider, string model, string prompt, string promptSha, string input);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "No LLM is used: provider 'lexicon' is an offline word-list baseline, not a language model. " +
        "To score with an LLM set --provider openai (with OPENAI_API_KEY, or --endpoint for an OpenAI-compatible server such as Ollama or vLLM) " +
        "or --provider azure (with --endpoint, --model <deployment> and AZURE_OPENAI_API_KEY).")]
    private static partial void LogNoLlm(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Bad document skipped: {Path}: {Reason}")]
    private static partial void LogBadDocument(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Read {Documents} documents ({Bad} bad), {Paragraphs} paragraphs")]
    private static partial void LogRead(ILogger logger, int documents, int bad, int paragraphs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Paragraph {DocumentId}#{Index} failed: {Error}")]
    private static partial void LogParagraphFailed(ILogger logger, string documentId, int index, string error);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Run aborted, no further calls: {Reason}")]
    private static partial void LogAborted(ILogger logger, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Run {RunId} done: {Documents} documents ({Bad} bad), {Paragraphs} paragraphs, {Ok} ok, {Failed} failed, " +
        "tokens {InputTokens} in / {OutputTokens} out, {Seconds:F1} s; tables under {Output}; exit code {ExitCode}")]
    private static partial void LogSummary(ILogger logger, string runId, int documents, int bad, int paragraphs, int ok, int failed,
        long inputTokens, long outputTokens, double seconds, string output, int exitCode);
}

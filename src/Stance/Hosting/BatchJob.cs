using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Alerts;
using Stance.Contract;
using Stance.Journal;
using Stance.Output;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Reporting;
using Stance.Scoring;
using Stance.Scoring.Batch;
using Stance.Scoring.Llm;
using Stance.Sharding;
using Stance.Storage;
using Stance.Storage.Objects;
using Stance.Telemetry;

namespace Stance.Hosting;

/// <summary>One batch: read paragraphs, score them (journaling each paid answer), write the tables, then the
/// manifest.</summary>
/// <remarks>What a run needs afresh (its journal session, scoring run, tally and report) comes from a service scope of
/// its own, so a schedule's nights share nothing but the singletons.</remarks>
internal sealed partial class BatchJob(
    IServiceScopeFactory scopes,
    RunSettings settings,
    ProgressWatchdog watchdog,
    RunBudget budget,
    StancePrompt prompt,
    IParagraphScorer scorer,
    ModelChoice model,
    ParquetOutput output,
    IObjectStores stores,
    RunProgress progress,
    ProgressReporter reporter,
    IOptions<BatchOptions> batchOptions,
    ShardCommitter committer,
    RunAlerts alerts,
    TimeProvider time,
    ILogger<BatchJob> logger) : IBatchJob
{
    private readonly ILogger _logger = logger;

    /// <summary>Runs the batch and returns its summary; throws only on cancellation or an unexpected error.</summary>
    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        var reading = settings.Reading;
        // One run at a time per output and per journal: a second run (an overlapping cron job, a manual run, a pod
        // on another node) stops here, before any call, instead of resuming a run that is not dead and paying for it
        // again.
        var journal = settings.JournalPath;
        using var journalClaim = scorer.IsMetered
            ? RunClaim.Acquire(journal + ".lock", $"the journal {Path.GetFullPath(journal)}")
            : null;
        var sharded = settings.Shards.Sharded;
        var target = sharded
            ? RunOutput.OpenShard(settings, output, stores, _logger)
            : await RunOutput.OpenAsync(settings, output, stores, time, _logger, cancellationToken)
                .ConfigureAwait(false);
        await using var releaseTarget = target.ConfigureAwait(false);
        // Read under the claims: an object-store input's local copy lives in the run's state folder.
        var inputFolder = await RunInput.PrepareAsync(settings, stores, cancellationToken).ConfigureAwait(false);
        var inputName = settings.InputStore?.ToString() ?? settings.Input;
        ShardedRun? shard = null;
        (int Documents, int Paragraphs)? own = null;
        if (sharded)
        {
            (shard, reading, own) = await JoinShardAsync(target, inputFolder, reading, startedAt, cancellationToken)
                .ConfigureAwait(false);
            if (await ShardDoneAsync(target, shard, cancellationToken).ConfigureAwait(false) is { } done)
            {
                return done;
            }
        }

        var (documents, paragraphs) = own ?? ParagraphSource.Count(inputFolder, reading);
        // An input with no document (a feed that did not arrive, a mount not ready) must not replace anything; a
        // shard may have none of its own (more shards than documents).
        if (documents == 0 && shard is null)
        {
            throw new NoInputException(settings.InputStore?.ToString() ?? Path.GetFullPath(inputFolder));
        }

        if (scorer.IsMetered)
        {
            await target.RestoreJournalAsync(cancellationToken).ConfigureAwait(false);
        }

        watchdog.RunStarted();
        budget.RunStarted();
        await scorer.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var scope = scopes.CreateAsyncScope();
        await using var disposeScope = scope.ConfigureAwait(false);
        var session = scope.ServiceProvider.GetRequiredService<JournalSession>();
        var store = scorer.IsMetered ? session.Open(journal) : null;
        using var ledger = batchOptions.Value.Enabled ? BatchLedger.Open(journal) : null;
        var runId = "unstarted";
        try
        {
            var run = shard?.Record.Stamp ?? NewStamp(startedAt);
            if (shard is null && store?.FindUnfinishedRun(run) is { } unfinished)
            {
                run = run with { RunId = unfinished };
                LogResuming(_logger, unfinished);
            }

            // A batch run collects what an earlier run submitted, even on a later date (Stance:Batch:Wait=false).
            if (ledger?.OpenRun(run.Provider, run.Model, run.PromptSha256) is { } open && open.RunId != run.RunId)
            {
                run = run with { RunId = open.RunId, RunDate = open.RunDate };
                LogResuming(_logger, open.RunId);
            }

            runId = run.RunId;
            LogStarting(
                _logger,
                run.RunId,
                scorer.Provider,
                scorer.Model,
                prompt.Name,
                prompt.Sha256[..12],
                inputName);
            if (!model.Provider.IsLanguageModel)
            {
                LogNoLlm(_logger);
            }

            if (store is not null)
            {
                if (shard is null)
                {
                    await store.StartRunAsync(run, startedAt).ConfigureAwait(false);
                    target.StartSyncing(run.RunId, settings.Storage.JournalSync, time);
                }
                else
                {
                    // Not in the journal's runs table, which a run in one process resumes from: a sharded run is
                    // resumed through its own record, by its shards only.
                    // A pod's disk goes with the pod: each answer reaches the dataset's side before its worker pays
                    // for another (one save for all the answers that arrive meanwhile).
                    var replica = target.Replica!;
                    store.AfterRecord = () => replica.SaveSoonAsync(run.RunId);
                }
            }

            LogRead(_logger, documents, paragraphs);
            var scoring = scope.ServiceProvider.GetRequiredService<ScoringRun>();
            BatchCollection? batch = null;
            if (ledger is not null)
            {
                var sync = (KernelParagraphScorer)scorer;
                var work = new BatchWork(
                    run,
                    store!,
                    ledger,
                    sync,
                    () => ParagraphSource.Stream(inputFolder, new InputReport(), reading),
                    Path.Combine(Path.GetDirectoryName(Path.GetFullPath(journal))!, "batch", run.RunId),
                    settings.Cache,
                    target.Dataset.StateFolder);
                try
                {
                    batch = await scope.ServiceProvider.GetRequiredService<BatchRunner>()
                        .RunAsync(work, cancellationToken)
                        .ConfigureAwait(false);
                }
                catch (RunAbortedException ex)
                {
                    // The provider refused the key (or the quota) for the Batch API: nothing was written.
                    LogBatchAborted(_logger, ex.Kind, ex.Message);
                    return new RunSummary(run.RunId, null, ExitCodes.For(ex.Kind, allOk: false));
                }
                if (!batch.Complete)
                {
                    return new RunSummary(run.RunId, null, ExitCodes.Ok);
                }

                scoring.Scorer = new BatchAnswers(sync, ledger, run, batchOptions.Value.RetryMode);
            }

            progress.Start(documents, paragraphs);
            var tables = ParquetOutput.Begin(target.Dataset, run, settings.RowsPerPart, settings.ReplaceMode,
                shard is null ? null : ShardTag);
            var input = new InputReport { DocumentRead = tables.DocumentRead };
            var tally = scope.ServiceProvider.GetRequiredService<RunTally>();
            var report = scope.ServiceProvider.GetRequiredService<ReportCollector>();
            var results = Channel.CreateBounded<ScoredParagraph>(
                new BoundedChannelOptions(settings.Concurrency * 2) { SingleReader = true });
            using var writerFailed = new CancellationTokenSource();
            var writer = WriteRowsAsync(run, results, tables, tally, report, writerFailed, cancellationToken);
            try
            {
                await reporter.TrackAsync(scoring.RunAsync(
                        run,
                        ParagraphSource.Stream(inputFolder, input, reading),
                        settings.Concurrency,
                        results,
                        cancellationToken,
                        writerFailed.Token))
                    .ConfigureAwait(false);
            }
            finally
            {
                results.Writer.TryComplete();
                await writer.ConfigureAwait(false);
            }

            foreach (var problem in input.BadDocuments.Concat(input.SkippedBlocks))
            {
                LogSkipped(_logger, problem.SourcePath, problem.Reason);
            }

            // Paid answers first reach the journal's copy next to the dataset, then the lock is checked (renewed): a
            // run that lost it to another must not commit over that run's work.
            await target.SaveJournalAsync(run.RunId).ConfigureAwait(false);
            await target.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);
            // A batch file kept back by the budget stops the run's paid calls without a call being refused.
            var exitCode = ExitCodes.For(
                scoring.Abort?.Kind ?? (budget.Exceeded is null ? null : FailureKind.Budget),
                tally.Ok == tally.Paragraphs && input.BadDocuments.Count == 0);
            if (shard is not null)
            {
                return await FinishShardAsync(target, shard, run, tables, input, tally, scoring.Abort, exitCode,
                        startedAt)
                    .ConfigureAwait(false);
            }

            var commit = await tables.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            var manifest = RunManifestBuilder.Build(
                run,
                prompt,
                input,
                tally,
                scoring.Abort,
                commit,
                exitCode,
                startedAt,
                time.GetUtcNow(),
                progress.RetriesByReason,
                settings.Pricing,
                batch?.Parts,
                budget);
            var manifestPath = RunManifest.PathFor(run);
            CrashPoint.Reached("before-manifest", target.Dataset.StateFolder);
            var check = await alerts.CheckAsync(target.Dataset, manifest, CancellationToken.None)
                .ConfigureAwait(false);
            manifest = manifest with { Alerts = check.Alerts };
            await target.Dataset.WriteTextAsync(
                RunReport.PathFor(manifestPath),
                RunReport.Render(manifest, report, check.Trends),
                CancellationToken.None).ConfigureAwait(false);
            // The manifest last: it lists exactly the committed parts.
            await target.Dataset.WriteTextAsync(manifestPath, manifest.ToJson(), CancellationToken.None)
                .ConfigureAwait(false);
            if (store is not null)
            {
                await store.FinishRunAsync(run.RunId, time.GetUtcNow()).ConfigureAwait(false);
                await target.FinishAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);
            }

            await alerts.NotifyAsync(manifest, target.Dataset.Location, manifestPath, cancellationToken)
                .ConfigureAwait(false);

            var counts = manifest.Counts;
            var outputFolder = target.Dataset.Location;
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            var retries = manifest.RetriesByReason.Count == 0
                ? "none"
                : string.Join(", ", manifest.RetriesByReason.Select(r => $"{r.Key} {r.Value}"));
            LogSummary(
                _logger,
                run.RunId,
                counts.Documents,
                counts.BadDocuments,
                counts.Paragraphs,
                counts.Ok,
                counts.Failed,
                counts.Filtered,
                counts.FromCache,
                counts.Requests,
                retries,
                counts.InputTokens,
                counts.OutputTokens,
                manifest.EstimatedCost,
                settings.Pricing.Currency,
                seconds,
                manifest.ParagraphsPerSecond,
                outputFolder,
                exitCode);
            return new RunSummary(run.RunId, manifest, exitCode);
        }
        finally
        {
            // Closed here, while the claims are still held, not when the scope ends after them; what the journal
            // gained is saved next to an object-store dataset even when the run stopped early.
            await session.DisposeAsync().ConfigureAwait(false);
            if (store is not null)
            {
                await target.SaveJournalAsync(runId).ConfigureAwait(false);
            }
        }
    }

    private RunStamp NewStamp(DateTimeOffset startedAt) => new(
        $"{startedAt:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}"[..25],
        DateOnly.FromDateTime(startedAt.UtcDateTime),
        scorer.Provider,
        scorer.Model,
        prompt.Name,
        prompt.Sha256);

    private static async Task WriteRowsAsync(
        RunStamp run,
        Channel<ScoredParagraph> results,
        RunTables tables,
        RunTally tally,
        ReportCollector report,
        CancellationTokenSource failed,
        CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var scored in results.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var row = RowMapper.ToParagraphRow(run, scored.Paragraph, scored.Outcome, scored.ScoredAt);
                var targets = RowMapper.ToTargetRows(run, scored.Paragraph, scored.Outcome).ToList();
                tally.Add(row);
                report.Add(row, targets);
                await tables.AddParagraphAsync(row, cancellationToken).ConfigureAwait(false);
                foreach (var target in targets)
                {
                    await tables.AddTargetAsync(target, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            // Nobody reads the rows any more: say so at once (no new call starts) and close the channel with the
            // reason.
            await failed.CancelAsync().ConfigureAwait(false);
            results.Writer.TryComplete(ex);
            throw;
        }
    }

    [LoggerMessage(
        EventId = 1,
        Level = LogLevel.Information,
        Message = "Run {RunId}: provider {Provider}, model {Model}, prompt {Prompt} ({PromptSha}), input {Input}")]
    private static partial void LogStarting(
        ILogger logger,
        string runId,
        string provider,
        string model,
        string prompt,
        string promptSha,
        string input);

    [LoggerMessage(
        EventId = 2,
        Level = LogLevel.Warning,
        Message = "No LLM is used: provider 'lexicon' is an offline word-list baseline, not a language model. " +
            "To score with an LLM set --provider openai (with OPENAI_API_KEY, or --endpoint for an OpenAI-compatible " +
            "server such as Ollama or vLLM) or --provider azure (with --endpoint, --model <deployment> and " +
            "AZURE_OPENAI_API_KEY).")]
    private static partial void LogNoLlm(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Skipped: {Path}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string path, string reason);

    [LoggerMessage(
        EventId = 4,
        Level = LogLevel.Information,
        Message = "Input: {Documents} documents, {Paragraphs} paragraphs")]
    private static partial void LogRead(ILogger logger, int documents, int paragraphs);

    [LoggerMessage(EventId = 9, Level = LogLevel.Critical,
        Message = "The batch step stopped ({Kind}), nothing was written: {Reason}")]
    private static partial void LogBatchAborted(ILogger logger, string kind, string reason);

    [LoggerMessage(
        EventId = 8,
        Level = LogLevel.Warning,
        Message = "Resuming unfinished run {RunId}: answers it journaled are not asked again")]
    private static partial void LogResuming(ILogger logger, string runId);

    [LoggerMessage(
        EventId = 7,
        Level = LogLevel.Information,
        Message = "Run {RunId} done: {Documents} documents ({Bad} bad), {Paragraphs} paragraphs, {Ok} ok, " +
            "{Failed} failed, {Filtered} filtered, {FromCache} from cache, {Requests} requests, retries: {Retries}, " +
            "tokens {InputTokens} in / {OutputTokens} out, estimated cost {Cost} {Currency}, " +
            "{Seconds:F1} s ({Throughput:F1} paragraphs/s); tables under {Output}; exit code {ExitCode}")]
    private static partial void LogSummary(
        ILogger logger,
        string runId,
        int documents,
        int bad,
        int paragraphs,
        int ok,
        int failed,
        int filtered,
        int fromCache,
        int requests,
        string retries,
        long inputTokens,
        long outputTokens,
        double cost,
        string currency,
        double seconds,
        double throughput,
        string output,
        int exitCode);
}

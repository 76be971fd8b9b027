using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Evaluation;
using Stance.Journal;
using Stance.Output;
using Stance.Prompts;
using Stance.Reporting;
using Stance.Scoring;
using Stance.Scoring.Batch;
using Stance.Storage;
using Stance.Storage.Objects;

namespace Stance.Hosting;

/// <summary>Does what the command line asked — one run, a schedule of runs, a dry-run plan or a prompt check — records
/// the exit code and stops the host.</summary>
internal sealed partial class BatchWorker(
    IOptions<JobOptions> options,
    IServiceProvider services,
    RunOutcome outcome,
    IHostApplicationLifetime lifetime,
    ILogger<BatchWorker> logger) : BackgroundService
{
    /// <summary>Runs the chosen mode; cancellation (Ctrl-C, SIGTERM) ends a run without writing tables.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        // A nightly run (not a check, plan, evaluation, review, commit step or schedule) that stops before its
        // manifest still raises its failed_run alert.
        var run = settings is { CheckPrompts: false, DryRun: false, Eval: null, Schedule: null, Commit: false }
            && !settings.Review && !Get<IOptions<BatchOptions>>().Value.Cancel;
        try
        {
            outcome.ExitCode = settings switch
            {
                { CheckPrompts: true } => CheckPrompts(),
                { DryRun: true } => await DryRunAsync(stoppingToken).ConfigureAwait(false),
                { ExportReview: { } export } => await Done(Get<Review.ReviewExporter>()
                    .ExportAsync(export, stoppingToken)).ConfigureAwait(false),
                { ImportReview: { } import } => await Done(Get<Review.ReviewImporter>()
                    .ImportAsync(import, settings.Eval, stoppingToken)).ConfigureAwait(false),
                { Eval: { } gold } => await Evaluate(gold, settings.Compare, stoppingToken).ConfigureAwait(false),
                { Commit: true } => await Get<ShardCommitter>().CommitOnlyAsync(stoppingToken).ConfigureAwait(false),
                { Schedule: { } cron } => await Get<NightlyScheduler>()
                    .RunAsync(cron, TimeZoneInfo.FindSystemTimeZoneById(settings.ScheduleTimeZone), stoppingToken)
                    .ConfigureAwait(false),
                _ when Get<IOptions<BatchOptions>>().Value.Cancel => await CancelBatchesAsync(stoppingToken)
                    .ConfigureAwait(false),
                _ => (await Get<IBatchJob>().RunAsync(stoppingToken).ConfigureAwait(false)).ExitCode,
            };
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogCancelled(logger);
            outcome.ExitCode = ExitCodes.Cancelled;
        }
        catch (NoInputException ex)
        {
            LogNoInput(logger, ex.Message);
            outcome.ExitCode = ExitCodes.NoInput;
        }
        catch (Sharding.ShardRunException ex)
        {
            LogShardRefused(logger, ex.Message);
            outcome.ExitCode = ExitCodes.ConfigurationError;
        }
        catch (Review.ReviewException ex)
        {
            LogReviewRefused(logger, ex.Message);
            outcome.ExitCode = ExitCodes.ConfigurationError;
        }
        catch (ClaimHeldException ex)
        {
            LogClaimHeld(logger, ex.Message);
            outcome.ExitCode = ExitCodes.OutputLocked;
        }
        catch (Exception ex) when (ex is OutputWriteException or ObjectStoreException)
        {
            LogOutputFailed(logger, ex.Message);
            outcome.ExitCode = ExitCodes.OutputFailed;
        }
        catch (Exception ex) when (ex is BatchFailedException or BatchApiException)
        {
            LogBatchFailed(logger, ex.Message);
            outcome.ExitCode = ExitCodes.BatchFailed;
        }
        catch (Scoring.Local.ModelUnavailableException ex)
        {
            LogModelUnavailable(logger, ex.Message);
            outcome.ExitCode = ExitCodes.ModelUnavailable;
        }
        catch (Exception ex)
        {
            LogCrashed(logger, ex);
            outcome.ExitCode = ExitCodes.Crashed;
        }
        finally
        {
            if (run && outcome.ExitCode != ExitCodes.Cancelled)
            {
                await Get<Alerts.RunAlerts>().NotifyStoppedAsync(
                    outcome.ExitCode,
                    DateOnly.FromDateTime(Get<TimeProvider>().GetUtcNow().UtcDateTime),
                    CancellationToken.None).ConfigureAwait(false);
            }

            lifetime.StopApplication();
        }
    }

    // --batch-cancel: the open batches of every unfinished run in the journal; a run waiting on them sees them end.
    private async Task<int> CancelBatchesAsync(CancellationToken cancellationToken)
    {
        var journal = Get<RunSettings>().JournalPath;
        if (!File.Exists(journal))
        {
            var missing = Path.GetFullPath(journal);
            LogNothingToCancel(logger, missing);
            return ExitCodes.Ok;
        }

        using var ledger = BatchLedger.Open(journal);
        var cancelled = 0;
        var model = Get<Scoring.ModelChoice>();
        var prompt = Get<StancePrompt>();
        foreach (var run in ledger.RunsWithOpenBatches(model.Provider.Name, model.Model, prompt.Sha256))
        {
            cancelled += await Get<BatchRunner>().CancelAsync(ledger, run, cancellationToken).ConfigureAwait(false);
        }

        LogBatchesCancelled(logger, cancelled);
        return ExitCodes.Ok;
    }

    private int CheckPrompts()
    {
        var prompts = new List<StancePrompt> { Get<StancePrompt>() };
        if (options.Value.Compare is { } compare)
        {
            // --check-prompts --compare B checks the B side too.
            if (LoadCompared(compare) is not { } other)
            {
                return ExitCodes.ConfigurationError;
            }

            prompts.Add(other.Prompt);
        }

        foreach (var prompt in prompts)
        {
            var files = string.Join(", ", prompt.Files);
            LogPromptOk(
                logger, prompt.Name, prompt.Sha256, files, prompt.Targets.Targets.Count, prompt.Examples.Count);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The prompt <c>--compare</c> names and its folder; null (the problem logged) when it is not a valid
    /// prompt.</summary>
    private (StancePrompt Prompt, string Folder)? LoadCompared(string compare)
    {
        var promptOptions = Get<IOptions<PromptOptions>>().Value;
        var folder = promptOptions.FolderOf(compare);
        try
        {
            return (PromptLoader.Load(folder, promptOptions.GrammarSchema), folder);
        }
        catch (PromptException ex)
        {
            LogComparePromptInvalid(logger, ex.Message);
            return null;
        }
    }

    private async Task<int> Evaluate(string gold, string? compare, CancellationToken cancellationToken)
    {
        // The B side of --compare is loaded (and refused, naming its file) before anything is paid for.
        StancePrompt? other = null;
        string? otherFolder = null;
        if (compare is not null)
        {
            if (LoadCompared(compare) is not { } loaded)
            {
                return ExitCodes.ConfigurationError;
            }

            (other, otherFolder) = loaded;
        }

        // The eval/ table is committed like the run tables, under the output's claim (a folder or an object store).
        var settings = Get<RunSettings>();
        var target = await RunOutput.OpenAsync(
            settings,
            Get<ParquetOutput>(),
            Get<IObjectStores>(),
            Get<TimeProvider>(),
            logger,
            cancellationToken).ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            // Answers paid for are journaled and reused, as in a run: re-evaluating an unchanged prompt costs nothing.
            var metered = Get<IParagraphScorer>().IsMetered;
            var journal = settings.JournalPath;
            using var claim = metered
                ? RunClaim.Acquire(journal + ".lock", $"the journal {Path.GetFullPath(journal)}")
                : null;
            var store = metered ? ResultStore.Open(journal) : null;
            try
            {
                var runner = Get<EvalRunner>();
                var ok = other is null
                    ? await runner.RunAsync(gold, target.Dataset, store, cancellationToken).ConfigureAwait(false)
                    : await runner.CompareAsync(
                        gold,
                        other,
                        otherFolder!,
                        Get<IOptions<PromptOptions>>().Value.Folder,
                        target.Dataset,
                        store,
                        cancellationToken).ConfigureAwait(false);
                return ok ? ExitCodes.Ok : ExitCodes.CompletedWithFailures;
            }
            finally
            {
                if (store is not null)
                {
                    await store.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<int> DryRunAsync(CancellationToken cancellationToken)
    {
        var plan = await Get<DryRunPlanner>().PlanAsync(cancellationToken).ConfigureAwait(false);
        Console.Out.WriteLine(plan.Title);
        ConsoleTable.Write(plan.ToTable(), Console.Out);
        Console.Out.WriteLine(plan.Footer);
        var (documents, paragraphs, hits, calls) = (plan.DocumentCount, plan.Paragraphs, plan.CacheHits, plan.Calls);
        LogPlan(
            logger,
            documents,
            paragraphs,
            hits,
            calls,
            plan.InputTokens,
            plan.OutputTokens,
            plan.EstimatedCost,
            plan.Currency,
            plan.BatchEstimatedCost,
            plan.TokenMethod,
            plan.Budget);
        return ExitCodes.Ok;
    }

    // A mode that has nothing to report but its success.
    private static async Task<int> Done(Task work)
    {
        await work.ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private T Get<T>()
        where T : notnull => (T)services.GetService(typeof(T))!;

    [LoggerMessage(
        EventId = 90,
        Level = LogLevel.Warning,
        Message = "Stopped before the tables were written; answers paid for are journaled and the next run resumes.")]
    private static partial void LogCancelled(ILogger logger);

    [LoggerMessage(
        EventId = 89,
        Level = LogLevel.Critical,
        Message = "The prompt folder given to --compare cannot be used: {Problem}")]
    private static partial void LogComparePromptInvalid(ILogger logger, string problem);

    [LoggerMessage(EventId = 91, Level = LogLevel.Critical, Message = "Run crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception);

    [LoggerMessage(
        EventId = 95,
        Level = LogLevel.Critical,
        Message = "Writing the tables failed, the run stopped: {Problem}. " +
            "No call was made after the failure; every answer paid for is in the journal, " +
            "so the next run does not pay for it again.")]
    private static partial void LogOutputFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 98, Level = LogLevel.Critical, Message = "The batch run stopped: {Problem}")]
    private static partial void LogBatchFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 99, Level = LogLevel.Information,
        Message = "--batch-cancel: {Count} open batches cancelled; a later --batch run collects what they finished")]
    private static partial void LogBatchesCancelled(ILogger logger, int count);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "--batch-cancel: no journal at {Journal}, so no batch to cancel")]
    private static partial void LogNothingToCancel(ILogger logger, string journal);

    [LoggerMessage(EventId = 96, Level = LogLevel.Critical, Message = "Not started: {Problem}")]
    private static partial void LogClaimHeld(ILogger logger, string problem);

    [LoggerMessage(EventId = 97, Level = LogLevel.Critical, Message = "Not run: {Problem}")]
    private static partial void LogNoInput(ILogger logger, string problem);

    [LoggerMessage(
        EventId = 94,
        Level = LogLevel.Critical,
        Message = "The local model is unavailable, nothing was scored: {Problem}")]
    private static partial void LogModelUnavailable(ILogger logger, string problem);

    [LoggerMessage(
        EventId = 92,
        Level = LogLevel.Information,
        Message = "Prompt '{Name}' is valid: sha256 {Sha}, files {Files}, {Targets} watched targets, " +
            "{Examples} few-shot examples")]
    private static partial void LogPromptOk(
        ILogger logger,
        string name,
        string sha,
        string files,
        int targets,
        int examples);

    [LoggerMessage(
        EventId = 93,
        Level = LogLevel.Information,
        Message = "Dry run: {Documents} documents, {Paragraphs} paragraphs, {CacheHits} cache hits, {Calls} calls, " +
            "about {InputTokens} input ({TokenMethod}) and {OutputTokens} output tokens, estimated cost {Cost} " +
            "{Currency} called one by one and {BatchCost} with --batch; budget: {Budget}; no call made, nothing " +
            "written")]
    private static partial void LogPlan(
        ILogger logger,
        int documents,
        int paragraphs,
        int cacheHits,
        int calls,
        long inputTokens,
        long outputTokens,
        double cost,
        string currency,
        double batchCost,
        string tokenMethod,
        string budget);

    [LoggerMessage(EventId = 509, Level = LogLevel.Critical,
        Message = "Review not done, nothing was written: {Problem}")]
    private static partial void LogReviewRefused(ILogger logger, string problem);

    [LoggerMessage(EventId = 178, Level = LogLevel.Critical,
        Message = "Sharded run refused, nothing was run: {Reason}")]
    private static partial void LogShardRefused(ILogger logger, string reason);
}

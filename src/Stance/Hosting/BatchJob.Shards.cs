using Microsoft.Extensions.Logging;
using Stance.Contract;
using Stance.Journal;
using Stance.Output;
using Stance.Paragraphs;
using Stance.Scoring;
using Stance.Sharding;

namespace Stance.Hosting;

/// <summary>A shard of a sharded run (<c>--shards</c>, docs/sharding.md): joining the run, finding it done, and
/// finishing with a shard manifest instead of a commit.</summary>
internal sealed partial class BatchJob
{
    private string ShardTag => $"s{settings.ShardIndex:D4}";

    // Every shard reads the whole input to plan it the same way, joins the run under its name (or starts it) and
    // reads only its own documents.
    private async Task<(ShardedRun Run, Documents.ReadOptions Reading, (int Documents, int Paragraphs) Own)>
        JoinShardAsync(
        RunOutput target,
        string inputFolder,
        Documents.ReadOptions reading,
        DateTimeOffset startedAt,
        CancellationToken cancellationToken)
    {
        var counts = ShardPlan.CountDocuments(inputFolder, reading);
        if (counts.Count == 0)
        {
            throw new NoInputException(settings.InputStore?.ToString() ?? Path.GetFullPath(inputFolder));
        }

        var stamp = NewStamp(startedAt);
        var proposed = new ShardRunRecord(
            settings.Shards.RunName ?? $"{startedAt.UtcDateTime:yyyy-MM-dd}",
            stamp.RunId,
            stamp.RunDate,
            stamp.Provider,
            stamp.Model,
            stamp.PromptName,
            stamp.PromptSha256,
            settings.Shards.Shards,
            ShardPlan.Fingerprint(counts),
            counts.Count,
            counts.Values.Sum(),
            startedAt,
            settings.ShardIndex);
        var mine = ShardPlan.Assign(counts, settings.Shards.Shards);
        var run = await ShardedRun.JoinAsync(target.Coordination!, proposed, mine, _logger, cancellationToken)
            .ConfigureAwait(false);
        var plan = mine;
        if (run.Record.RunId != proposed.RunId)
        {
            // Another shard started the run: its plan is the run's, even if the input has changed since.
            plan = await run.ReadPlanAsync(cancellationToken).ConfigureAwait(false);
            if (run.Record.InputSha256 != proposed.InputSha256)
            {
                LogInputChanged(_logger, settings.ShardIndex, run.Record.Documents, run.Record.Paragraphs,
                    proposed.Documents, proposed.Paragraphs);
            }
        }

        // The shard's own documents and paragraphs, from the count just made (not a second read of the input).
        var index = settings.ShardIndex;
        var own = counts.Where(d => plan.ShardOf(d.Key) == index).ToList();
        var ownParagraphs = own.Sum(d => d.Value);
        LogShard(_logger, index, settings.Shards.Shards, run.Record.RunId, own.Count, ownParagraphs);
        return (run, reading with { Owns = key => plan.ShardOf(key) == index }, (own.Count, ownParagraphs));
    }

    // A shard with nothing left to do: its run is committed already, or an earlier attempt of this shard wrote its
    // manifest (then it only tries the commit again).
    private async Task<RunSummary?> ShardDoneAsync(
        RunOutput target,
        ShardedRun run,
        CancellationToken cancellationToken)
    {
        if (run.Committed)
        {
            LogShardCommitted(_logger, settings.ShardIndex, run.Record.RunId);
            return new RunSummary(run.Record.RunId, null, ExitCodes.Ok);
        }

        // One process per shard: a second pod of the same index (or a manual run) stops here, before any call.
        var index = settings.ShardIndex;
        await target.HoldAsync(run.LockKey(index), $"shard {index} of run {run.Record.RunId}", settings, time,
            cancellationToken).ConfigureAwait(false);
        if (await run.ReadManifestAsync(settings.ShardIndex, cancellationToken).ConfigureAwait(false) is not { } done)
        {
            return null;
        }

        LogShardFinishedEarlier(_logger, settings.ShardIndex, run.Record.RunId, done.ExitCode);
        await committer.TryCommitAsync(run, settings.ShardIndex, force: false, CancellationToken.None)
            .ConfigureAwait(false);
        return new RunSummary(run.Record.RunId, done.Manifest, done.ExitCode);
    }

    // A shard stages its parts and writes its manifest, then commits the run if it is the last to finish. A shard
    // stopped by the provider (auth, quota, outage) writes none: its answers are saved, and a retry of its index
    // resumes it.
    private async Task<RunSummary> FinishShardAsync(
        RunOutput target,
        ShardedRun shard,
        RunStamp run,
        RunTables tables,
        InputReport input,
        RunTally tally,
        RunAbortedException? abort,
        int exitCode,
        DateTimeOffset startedAt)
    {
        if (abort is not null && abort.Kind != FailureKind.Budget)
        {
            LogShardStopped(_logger, settings.ShardIndex, run.RunId, abort.Kind, exitCode);
            return new RunSummary(run.RunId, null, exitCode);
        }

        var (parts, documents) = await tables.StageAsync(CancellationToken.None).ConfigureAwait(false);
        // Every answer is saved by now (one small file per group commit): one file of them for whoever reads them.
        await target.Replica!.ConsolidateAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);
        var manifest = RunManifestBuilder.Build(
            run,
            prompt,
            input,
            tally,
            abort,
            new CommitResult([.. parts.Select(p => p.Part)], [], new Dictionary<string, long>()),
            exitCode,
            startedAt,
            time.GetUtcNow(),
            progress.RetriesByReason,
            settings.Pricing,
            null,
            budget);
        await shard.WriteManifestAsync(
            new ShardManifest(settings.ShardIndex, run.RunId, exitCode, parts, documents, manifest),
            CancellationToken.None).ConfigureAwait(false);
        var counts = manifest.Counts;
        LogShardFinished(_logger, settings.ShardIndex, run.RunId, counts.Documents, counts.Paragraphs, counts.Ok,
            counts.Failed, counts.FromCache, counts.Requests, parts.Count, exitCode);
        await committer.TryCommitAsync(shard, settings.ShardIndex, force: false, CancellationToken.None)
            .ConfigureAwait(false);
        return new RunSummary(run.RunId, manifest, exitCode);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information,
        Message = "Shard {Shard} of {Shards}, run {RunId}: {Documents} documents, {Paragraphs} paragraphs")]
    private static partial void LogShard(
        ILogger logger,
        int shard,
        int shards,
        string runId,
        int documents,
        long paragraphs);

    [LoggerMessage(EventId = 25, Level = LogLevel.Warning,
        Message = "Shard {Shard}: the input changed since the run started ({Documents} documents, {Paragraphs} " +
            "paragraphs then, {NowDocuments} and {NowParagraphs} now): the shard follows the run's plan; a document " +
            "that arrived since is scored by the shard a hash of its id gives it to, if that shard has not read the " +
            "input yet, else by the next run")]
    private static partial void LogInputChanged(
        ILogger logger,
        int shard,
        int documents,
        int paragraphs,
        int nowDocuments,
        int nowParagraphs);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information,
        Message = "Shard {Shard}: run {RunId} is committed already, nothing to do")]
    private static partial void LogShardCommitted(ILogger logger, int shard, string runId);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information,
        Message = "Shard {Shard} of run {RunId} finished earlier (exit code {ExitCode}): only the commit is tried")]
    private static partial void LogShardFinishedEarlier(ILogger logger, int shard, string runId, int exitCode);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error,
        Message = "Shard {Shard} of run {RunId} stopped ({Kind}): nothing of it is committed, its paid answers are " +
            "saved next to the dataset; a retry of this shard resumes it. Exit code {ExitCode}")]
    private static partial void LogShardStopped(ILogger logger, int shard, string runId, string kind, int exitCode);

    [LoggerMessage(EventId = 24, Level = LogLevel.Information,
        Message = "Shard {Shard} of run {RunId} done: {Documents} documents, {Paragraphs} paragraphs, {Ok} ok, " +
            "{Failed} failed, {FromCache} from cache, {Requests} requests; {Parts} parts staged; exit code {ExitCode}")]
    private static partial void LogShardFinished(
        ILogger logger,
        int shard,
        string runId,
        int documents,
        int paragraphs,
        int ok,
        int failed,
        int fromCache,
        int requests,
        int parts,
        int exitCode);
}

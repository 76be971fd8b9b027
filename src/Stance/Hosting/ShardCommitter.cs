using Microsoft.Extensions.Logging;
using Stance.Alerts;
using Stance.Output;
using Stance.Reporting;
using Stance.Sharding;
using Stance.Storage.Objects;

namespace Stance.Hosting;

/// <summary>Commits a sharded run once every shard has written its manifest: whichever shard finishes last (the
/// commit marker decides between shards finishing at once), or a separate <c>--commit</c> step. The commit is the
/// single-process one over every shard's staged parts, under the dataset's claim: old rows of the documents read
/// disappear, the parts appear, the report and then the manifest (listing the shards) are written.</summary>
/// <remarks>Idempotent: a committer that dies is retried (its index by Kubernetes, or <c>--commit</c>) and finishes
/// what the recovery of the dataset did not.</remarks>
internal sealed partial class ShardCommitter(
    RunSettings settings,
    ParquetOutput output,
    IObjectStores stores,
    TimeProvider time,
    RunAlerts alerts,
    ILogger<ShardCommitter> logger)
{
    /// <summary>The <c>--commit</c> step: commits the run named <c>Stance:RunName</c> (default today's UTC date)
    /// if all its shards have finished; returns the exit code.</summary>
    public async Task<int> CommitOnlyAsync(CancellationToken cancellationToken)
    {
        var store = RunOutput.CoordinationStore(settings, stores);
        var name = settings.Shards.RunName ?? $"{time.GetUtcNow():yyyy-MM-dd}";
        var run = await ShardedRun.OpenAsync(store, name, logger, cancellationToken).ConfigureAwait(false)
            ?? throw new ShardRunException($"there is no sharded run named '{name}' under {store.Location}");
        if (run.Committed)
        {
            LogAlreadyCommitted(logger, run.Record.RunId);
            return ExitCodes.Ok;
        }

        return await TryCommitAsync(run, shard: -1, force: true, cancellationToken).ConfigureAwait(false)
            ?? ExitCodes.OutputLocked;
    }

    /// <summary>Commits <paramref name="run"/> when every shard's manifest is there and this shard is the one to
    /// commit; returns the run's exit code, or null when it did not commit.</summary>
    public async Task<int?> TryCommitAsync(
        ShardedRun run,
        int shard,
        bool force,
        CancellationToken cancellationToken)
    {
        var missing = await run.MissingAsync(cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            var waitingFor = string.Join(", ", missing.Take(20));
            LogWaiting(logger, run.Record.RunId, missing.Count, waitingFor);
            return null;
        }

        if (!await run.ClaimCommitAsync(shard, force, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var stamp = run.Record.Stamp;
        var target = await RunOutput.OpenAsync(settings, output, stores, time, logger, cancellationToken)
            .ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            // Another committer (a --commit step, a retried shard) may have finished while this one waited.
            if (await run.IsCommittedAsync(cancellationToken).ConfigureAwait(false))
            {
                LogAlreadyCommitted(logger, stamp.RunId);
                return ExitCodes.Ok;
            }

            var manifests = await run.ReadManifestsAsync(cancellationToken).ConfigureAwait(false);
            var tables = ParquetOutput.Begin(target.Dataset, stamp, settings.RowsPerPart, settings.ReplaceMode, "c");
            tables.Adopt(manifests.SelectMany(m => m.Parts), manifests.SelectMany(m => m.Documents),
                manifests.Sum(m => (long)m.Manifest.Counts.Paragraphs));
            await target.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);
            var commit = await tables.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            var report = await ShardReport.CollectAsync(target.Dataset, commit.Files, stamp.RunId,
                CancellationToken.None).ConfigureAwait(false);
            target.Dataset.DiscardCopies();
            var manifest = ShardManifests.Merge(manifests, commit, time.GetUtcNow());
            var manifestPath = RunManifest.PathFor(stamp);
            var check = await alerts.CheckAsync(target.Dataset, manifest, CancellationToken.None)
                .ConfigureAwait(false);
            manifest = manifest with { Alerts = check.Alerts };
            await target.Dataset.WriteTextAsync(RunReport.PathFor(manifestPath),
                RunReport.Render(manifest, report, check.Trends), CancellationToken.None).ConfigureAwait(false);
            // The manifest last: it lists exactly the committed parts, and every shard.
            await target.Dataset.WriteTextAsync(manifestPath, manifest.ToJson(), CancellationToken.None)
                .ConfigureAwait(false);
            await run.MarkCommittedAsync(manifestPath, manifest.ExitCode, CancellationToken.None)
                .ConfigureAwait(false);
            // Under the dataset's claim: the shards' many small saves of the journal become one snapshot.
            await target.FinishAsync(stamp.RunId, CancellationToken.None).ConfigureAwait(false);
            await alerts.NotifyAsync(manifest, target.Dataset.Location, manifestPath, cancellationToken)
                .ConfigureAwait(false);
            LogCommitted(logger, stamp.RunId, manifests.Count, manifest.Counts.Paragraphs, commit.Files.Count,
                target.Dataset.Location, manifest.ExitCode);
            return manifest.ExitCode;
        }
    }

    [LoggerMessage(EventId = 175, Level = LogLevel.Information,
        Message = "Run {RunId}: waiting for {Missing} shards ({Shards}); the last shard to finish commits the run")]
    private static partial void LogWaiting(ILogger logger, string runId, int missing, string shards);

    [LoggerMessage(EventId = 176, Level = LogLevel.Information,
        Message = "Run {RunId} committed from {Shards} shards: {Paragraphs} paragraphs, {Files} part files under " +
            "{Output}; run exit code {ExitCode}")]
    private static partial void LogCommitted(
        ILogger logger,
        string runId,
        int shards,
        int paragraphs,
        int files,
        string output,
        int exitCode);

    [LoggerMessage(EventId = 177, Level = LogLevel.Information,
        Message = "Run {RunId} is committed already: nothing to do")]
    private static partial void LogAlreadyCommitted(ILogger logger, string runId);
}

using Microsoft.Extensions.Logging;
using Stance.Journal;
using Stance.Output;
using Stance.Sharding;
using Stance.Storage;
using Stance.Storage.Objects;
using Stance.Storage.Objects.Folder;

namespace Stance.Hosting;

/// <summary>The dataset a run writes and what the run holds while it does: a local folder under its file lock, or an
/// object store under its lock object, with the journal's copy kept beside it (<see cref="JournalReplica"/>).</summary>
internal sealed partial class RunOutput : IAsyncDisposable
{
    private readonly RunClaim? _claim;
    private ObjectLock? _lock;
    private readonly ILogger _logger;
    private CancellationTokenSource? _stopSyncing;
    private Task? _syncing;

    private RunOutput(IDataset dataset, RunClaim? claim, ObjectLock? @lock, JournalReplica? replica, ILogger logger)
    {
        Dataset = dataset;
        _claim = claim;
        _lock = @lock;
        Replica = replica;
        _logger = logger;
    }

    /// <summary>Where the tables, the manifest and the report go.</summary>
    public IDataset Dataset { get; }

    /// <summary>The journal's copy next to the dataset (<c>.stance/journal/</c>), shared by every machine and shard
    /// that writes it.</summary>
    public JournalReplica? Replica { get; }

    // A local folder's journal is on the same disk as its copy: saved at the end of a run, not every minute.
    private bool Periodic { get; init; } = true;

    /// <summary>Where a shard finds its run's records: the object store, or the output folder as one.</summary>
    public IObjectStore? Coordination { get; private init; }

    /// <summary>A shard's view of the dataset: nothing claimed nor recovered (the shards of a run stage their parts
    /// side by side; whoever commits the run claims the dataset then), the journal's copy saved under a name of
    /// the shard's own.</summary>
    public static RunOutput OpenShard(
        RunSettings settings,
        ParquetOutput output,
        IObjectStores stores,
        ILogger logger)
    {
        var writer = $"s{settings.ShardIndex:D4}";
        if (settings.OutputStore is not { } location)
        {
            var folder = new FolderObjectStore(settings.Output);
            return new RunOutput(output.Local(settings.Output), null, null,
                new JournalReplica(folder, settings.JournalPath, logger, writer), logger) { Coordination = folder };
        }

        var store = stores.Open(location);
        return new RunOutput(new ObjectDataset(store, settings.StateFolder, logger), null, null,
            new JournalReplica(store, settings.JournalPath, logger, writer), logger) { Coordination = store };
    }

    /// <summary>The records of sharded runs next to the output, local or not.</summary>
    public static IObjectStore CoordinationStore(RunSettings settings, IObjectStores stores) =>
        settings.OutputStore is { } location ? stores.Open(location) : new FolderObjectStore(settings.Output);

    /// <summary>Takes the lock object <paramref name="key"/> on <see cref="Coordination"/> for this run (a shard's
    /// own lock), released with the output.</summary>
    public async Task HoldAsync(
        string key,
        string what,
        RunSettings settings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        // A retry of a killed process's shard (Kubernetes retries within seconds) finds its lock still valid: it waits
        // for the lock to expire (one time to live, and a margin) instead of failing its retry; a holder that keeps
        // renewing it is alive, and this process stops with exit 10.
        var ttl = settings.Storage.LockTtl;
        var giveUp = time.GetUtcNow() + ttl + (ttl / 4);
        while (true)
        {
            try
            {
                _lock = await ObjectLock.AcquireAsync(Coordination!, key, what, time, ttl,
                    holder => LogTookOver(_logger, $"{Coordination!.Location}/{key}", holder), cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
            catch (ClaimHeldException ex) when (time.GetUtcNow() < giveUp)
            {
                LogWaitingForLock(_logger, ex.Message);
                await Task.Delay(ttl / 10, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Claims the output (one run at a time) and recovers what a crashed run left.</summary>
    public static async Task<RunOutput> OpenAsync(
        RunSettings settings,
        ParquetOutput output,
        IObjectStores stores,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        if (settings.OutputStore is not { } location)
        {
            var claim = RunClaim.Acquire(settings.OutputClaimPath,
                $"the output folder {Path.GetFullPath(settings.Output)}");
            var local = output.Local(settings.Output);
            try
            {
                // The staged parts of a sharded run still in progress are not a crashed run's leftovers.
                var open = await ShardedRun.OpenRunIdsAsync(new FolderObjectStore(settings.Output), cancellationToken)
                    .ConfigureAwait(false);
                await local.RecoverAsync(cancellationToken, part => ShardedRun.BelongsTo(part, open))
                    .ConfigureAwait(false);
            }
            catch
            {
                claim.Dispose();
                throw;
            }

            // The journal's copy is kept in the folder too (.stance/journal/), so that shards (each with a journal of
            // its own) and runs in one process share what any of them paid for, whatever the shard count.
            return new RunOutput(local, claim, null,
                new JournalReplica(new FolderObjectStore(settings.Output), settings.JournalPath, logger), logger)
            {
                Periodic = false,
            };
        }

        var store = stores.Open(location);
        var @lock = await ObjectLock.AcquireAsync(
            store,
            time,
            settings.Storage.LockTtl,
            holder => LogTookOver(logger, store.Location, holder),
            cancellationToken).ConfigureAwait(false);
        try
        {
            var dataset = new ObjectDataset(store, settings.StateFolder, logger, @lock.ThrowIfLost);
            var open = await ShardedRun.OpenRunIdsAsync(store, cancellationToken).ConfigureAwait(false);
            await dataset.RecoverAsync(cancellationToken, part => ShardedRun.BelongsTo(part, open))
                .ConfigureAwait(false);
            return new RunOutput(dataset, null, @lock, new JournalReplica(store, settings.JournalPath, logger), logger);
        }
        catch
        {
            await @lock.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Imports the answers saved next to the dataset that the local journal lacks (a new machine).</summary>
    public async Task RestoreJournalAsync(CancellationToken cancellationToken)
    {
        if (Replica is not null)
        {
            await Replica.RestoreAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Saves the run's new answers next to the dataset every <paramref name="every"/> until
    /// <see cref="DisposeAsync"/> (zero: only at the end).</summary>
    public void StartSyncing(string runId, TimeSpan every, TimeProvider time)
    {
        if (Replica is null || every <= TimeSpan.Zero || !Periodic)
        {
            return;
        }

        _stopSyncing = new CancellationTokenSource();
        var stop = _stopSyncing.Token;
        _syncing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(every, time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    await Replica.SaveAsync(runId, always: false, stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException)
                {
                    LogSyncFailed(_logger, ex.Message);
                }
            }
        }, CancellationToken.None);
    }

    /// <summary>Throws when the object-store lock was lost: the run must not commit.</summary>
    public Task EnsureHeldAsync(CancellationToken cancellationToken) =>
        _lock?.EnsureHeldAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Saves the journal's last answers and compacts the saved files (after the run's manifest).</summary>
    public async Task FinishAsync(string runId, CancellationToken cancellationToken)
    {
        await StopSyncingAsync().ConfigureAwait(false);
        if (Replica is not null)
        {
            // Always: the runs table now says the run finished, so a new machine does not resume it.
            await Replica.SaveAsync(runId, always: true, cancellationToken).ConfigureAwait(false);
            await Replica.CompactAsync(runId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the periodic saves and releases the output (the caller saves the journal's last answers
    /// first, with <see cref="SaveJournalAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopSyncingAsync().ConfigureAwait(false);
        _claim?.Dispose();
        if (_lock is not null)
        {
            await _lock.DisposeAsync().ConfigureAwait(false);
        }

        Replica?.Dispose();
    }

    /// <summary>Saves the journal's unsaved answers; a failure is logged, not thrown (the run's outcome
    /// stands).</summary>
    public async Task SaveJournalAsync(string runId)
    {
        await StopSyncingAsync().ConfigureAwait(false);
        if (Replica is null)
        {
            return;
        }

        try
        {
            await Replica.SaveAsync(runId, always: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogSyncFailed(_logger, ex.Message);
        }
    }

    private async Task StopSyncingAsync()
    {
        if (_stopSyncing is null)
        {
            return;
        }

        await _stopSyncing.CancelAsync().ConfigureAwait(false);
        await _syncing!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopSyncing.Dispose();
        _stopSyncing = null;
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning,
        Message = "Took over the lock of {Location}: its holder ({Holder}) stopped renewing it")]
    private static partial void LogTookOver(ILogger logger, string location, string holder);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning,
        Message = "Waiting for a lock a stopped process may have left (it expires unless renewed): {Reason}")]
    private static partial void LogWaitingForLock(ILogger logger, string reason);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning,
        Message = "Could not save the journal's new answers next to the dataset (retried at the next save): {Reason}")]
    private static partial void LogSyncFailed(ILogger logger, string reason);
}

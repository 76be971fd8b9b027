using System.Text.Json;
using Microsoft.Extensions.Logging;
using Stance.Output;
using Stance.Storage.Objects;

namespace Stance.Sharding;

/// <summary>One shard's view of its sharded run, kept under <c>.stance/shards/&lt;run name&gt;/</c> next to the
/// dataset (an object store, or a folder through <see cref="Storage.Objects.Folder.FolderObjectStore"/>):
/// <c>run.json</c> (<see cref="ShardRunRecord"/>), and under the run id the shard manifests, the commit marker
/// (<c>commit.json</c>, created only if absent: of shards finishing at once exactly one commits) and, once the run's
/// manifest is written, <c>committed.json</c>.</summary>
internal sealed partial class ShardedRun
{
    /// <summary>Where every sharded run's records are, under the dataset's root.</summary>
    public const string Root = ".stance/shards/";

    private readonly IObjectStore _store;
    private readonly ILogger _logger;

    private ShardedRun(IObjectStore store, ShardRunRecord record, bool committed, ILogger logger)
    {
        _store = store;
        Record = record;
        Committed = committed;
        _logger = logger;
    }

    /// <summary>The run this shard belongs to.</summary>
    public ShardRunRecord Record { get; }

    /// <summary>True when the run was committed already (a retried shard has nothing left to do).</summary>
    public bool Committed { get; }

    private string RunFolder => $"{Root}{Record.RunName}/{Record.RunId}/";

    /// <summary>The key of the per-shard lock (one process per shard at a time).</summary>
    public string LockKey(int shard) => $"{RunFolder}shard-{shard:D4}.lock";

    private string ManifestKey(int shard) => $"{RunFolder}shard-{shard:D4}.json";

    /// <summary>Joins the run named <paramref name="proposed"/>.<see cref="ShardRunRecord.RunName"/>: adopts the
    /// recorded run when it is the same (or creates <paramref name="proposed"/> when there is none, or when the
    /// recorded one is committed and differs: a new run under the same name); throws
    /// <see cref="ShardRunException"/> when an unfinished run of that name differs.</summary>
    public static async Task<ShardedRun> JoinAsync(
        IObjectStore store,
        ShardRunRecord proposed,
        ShardPlan plan,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var key = $"{Root}{proposed.RunName}/run.json";
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (recorded, etag) = await ReadAsync<ShardRunRecord>(store, key, cancellationToken).ConfigureAwait(false);
            if (recorded is null)
            {
                // The plan first, under the proposed run's id: whoever adopts the run finds it.
                await WritePlanAsync(store, proposed, plan, cancellationToken).ConfigureAwait(false);
                if (await PutAsync(store, key, proposed, WriteCondition.IfAbsent, cancellationToken)
                    .ConfigureAwait(false))
                {
                    LogCreated(logger, proposed.RunName, proposed.RunId, proposed.Shards);
                    return new ShardedRun(store, proposed, committed: false, logger);
                }

                continue; // another shard created it at the same moment: read theirs
            }

            var committed = await IsCommittedAsync(store, recorded, cancellationToken).ConfigureAwait(false);
            var differences = recorded.Differences(proposed);
            if (differences.Count == 0)
            {
                LogJoined(logger, recorded.RunName, recorded.RunId, recorded.CreatedBy);
                return new ShardedRun(store, recorded, committed, logger);
            }

            if (!committed)
            {
                throw new ShardRunException(
                    $"the run '{recorded.RunName}' ({recorded.RunId}, started {recorded.CreatedAt:yyyy-MM-dd HH:mm}Z " +
                    $"by shard {recorded.CreatedBy}) is not finished and this shard differs from it: " +
                    string.Join("; ", differences) + ". Every shard of a run must use the same settings; to start " +
                    "another run give it another Stance:RunName");
            }

            await WritePlanAsync(store, proposed, plan, cancellationToken).ConfigureAwait(false);
            if (await PutAsync(store, key, proposed, WriteCondition.IfMatch(etag!), cancellationToken)
                .ConfigureAwait(false))
            {
                LogCreated(logger, proposed.RunName, proposed.RunId, proposed.Shards);
                return new ShardedRun(store, proposed, committed: false, logger);
            }
        }

        throw new ShardRunException($"could not join the run '{proposed.RunName}': its record kept changing");
    }

    /// <summary>The run recorded under <paramref name="runName"/>, or null when there is none.</summary>
    public static async Task<ShardedRun?> OpenAsync(
        IObjectStore store,
        string runName,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var (recorded, _) = await ReadAsync<ShardRunRecord>(store, $"{Root}{runName}/run.json", cancellationToken)
            .ConfigureAwait(false);
        return recorded is null
            ? null
            : new ShardedRun(store, recorded,
                await IsCommittedAsync(store, recorded, cancellationToken).ConfigureAwait(false), logger);
    }

    /// <summary>The plan the run's first shard recorded.</summary>
    public async Task<ShardPlan> ReadPlanAsync(CancellationToken cancellationToken)
    {
        var (plan, _) = await ReadAsync<Dictionary<string, int>>(_store, $"{RunFolder}plan.json", cancellationToken)
            .ConfigureAwait(false);
        return ShardPlan.From(Record.Shards, plan
            ?? throw new ShardRunException($"the plan of run {Record.RunId} ({RunFolder}plan.json) is missing"));
    }

    private static async Task WritePlanAsync(
        IObjectStore store,
        ShardRunRecord run,
        ShardPlan plan,
        CancellationToken cancellationToken) =>
        await store.PutAsync($"{Root}{run.RunName}/{run.RunId}/plan.json",
            new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(plan.Assignment)), WriteCondition.None,
            cancellationToken).ConfigureAwait(false);

    /// <summary>Whether the run's manifest is written (another committer may have finished it).</summary>
    public Task<bool> IsCommittedAsync(CancellationToken cancellationToken) =>
        IsCommittedAsync(_store, Record, cancellationToken);

    /// <summary>This shard's manifest written by an earlier attempt of it, or null.</summary>
    public async Task<ShardManifest?> ReadManifestAsync(int shard, CancellationToken cancellationToken) =>
        (await ReadAsync<ShardManifest>(_store, ManifestKey(shard), cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Writes this shard's manifest (its parts are staged, the run may be committed).</summary>
    public Task WriteManifestAsync(ShardManifest manifest, CancellationToken cancellationToken) =>
        PutAsync(_store, ManifestKey(manifest.Shard), manifest, WriteCondition.None, cancellationToken);

    /// <summary>The shards whose manifest is not there yet.</summary>
    public async Task<IReadOnlyList<int>> MissingAsync(CancellationToken cancellationToken)
    {
        var present = (await _store.ListAsync(RunFolder, cancellationToken).ConfigureAwait(false))
            .Select(o => o.Key)
            .ToHashSet(StringComparer.Ordinal);
        return [.. Enumerable.Range(0, Record.Shards).Where(shard => !present.Contains(ManifestKey(shard)))];
    }

    /// <summary>Every shard's manifest, in shard order.</summary>
    public async Task<IReadOnlyList<ShardManifest>> ReadManifestsAsync(CancellationToken cancellationToken)
    {
        var manifests = new List<ShardManifest>();
        for (var shard = 0; shard < Record.Shards; shard++)
        {
            manifests.Add(await ReadManifestAsync(shard, cancellationToken).ConfigureAwait(false)
                ?? throw new ShardRunException($"the manifest of shard {shard} of run {Record.RunId} is gone"));
        }

        return manifests;
    }

    /// <summary>Creates the commit marker; true when this shard (or a forced <c>--commit</c>, or an earlier
    /// attempt of this shard) is the one to commit.</summary>
    public async Task<bool> ClaimCommitAsync(int shard, bool force, CancellationToken cancellationToken)
    {
        var key = $"{RunFolder}commit.json";
        var marker = new CommitMarker(shard, DateTimeOffset.UtcNow);
        if (await PutAsync(_store, key, marker, WriteCondition.IfAbsent, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var holder = (await ReadAsync<CommitMarker>(_store, key, cancellationToken).ConfigureAwait(false)).Value;
        if (force || holder?.Shard == shard)
        {
            return true;
        }

        LogOtherCommits(_logger, Record.RunId, holder?.Shard ?? -1);
        return false;
    }

    /// <summary>Records that the run's manifest is written and removes the shard manifests (the run record, the
    /// marker and this record stay, so a shard retried later finds the run done).</summary>
    public async Task MarkCommittedAsync(string manifestPath, int exitCode, CancellationToken cancellationToken)
    {
        await PutAsync(_store, $"{RunFolder}committed.json", new CommittedRecord(manifestPath, exitCode,
            DateTimeOffset.UtcNow), WriteCondition.None, cancellationToken).ConfigureAwait(false);
        for (var shard = 0; shard < Record.Shards; shard++)
        {
            await _store.DeleteAsync(ManifestKey(shard), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ids of the sharded runs not committed yet: their staged parts must survive a recovery.</summary>
    /// <remarks>One listing: a run name whose every run id has its <c>committed.json</c> is done without reading its
    /// record (the records of past nights stay; this keeps each run's start cheap).</remarks>
    public static async Task<IReadOnlySet<string>> OpenRunIdsAsync(
        IObjectStore store,
        CancellationToken cancellationToken)
    {
        var keys = (await store.ListAsync(Root, cancellationToken).ConfigureAwait(false)).Select(o => o.Key).ToList();
        var committed = keys.Where(k => k.EndsWith("/committed.json", StringComparison.Ordinal))
            .Select(k => k[..k.LastIndexOf('/')])
            .ToHashSet(StringComparer.Ordinal);
        var open = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in keys.Where(k => k.EndsWith("/run.json", StringComparison.Ordinal)))
        {
            var name = record[..^"/run.json".Length];
            var runs = keys.Where(k => k.StartsWith(name + "/", StringComparison.Ordinal) && k != record)
                .Select(k => k[..k.IndexOf('/', name.Length + 1)])
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (runs.Count > 0 && runs.All(committed.Contains))
            {
                continue;
            }

            var (run, _) = await ReadAsync<ShardRunRecord>(store, record, cancellationToken).ConfigureAwait(false);
            if (run is not null && !committed.Contains($"{Root}{run.RunName}/{run.RunId}"))
            {
                open.Add(run.RunId);
            }
        }

        return open;
    }

    /// <summary>Whether a part's path belongs to one of <paramref name="runIds"/>.</summary>
    public static bool BelongsTo(string part, IReadOnlySet<string> runIds)
    {
        var name = part[(part.LastIndexOf('/') + 1)..];
        return name.StartsWith("part-", StringComparison.Ordinal) && name.Length > 30
            && runIds.Contains(name[5..30]);
    }

    private static async Task<bool> IsCommittedAsync(
        IObjectStore store,
        ShardRunRecord run,
        CancellationToken cancellationToken) =>
        (await store.ListAsync($"{Root}{run.RunName}/{run.RunId}/committed.json", cancellationToken)
            .ConfigureAwait(false)).Count > 0;

    private static async Task<(T? Value, string? ETag)> ReadAsync<T>(
        IObjectStore store,
        string key,
        CancellationToken cancellationToken)
        where T : class
    {
        var etag = (await store.ListAsync(key, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(o => o.Key == key)?.ETag;
        using var buffer = new MemoryStream();
        if (etag is null || !await store.DownloadAsync(key, buffer, cancellationToken).ConfigureAwait(false))
        {
            return (null, null);
        }

        return (JsonSerializer.Deserialize<T>(buffer.ToArray(), RunManifest.Json), etag);
    }

    private static async Task<bool> PutAsync<T>(
        IObjectStore store,
        string key,
        T value,
        WriteCondition condition,
        CancellationToken cancellationToken) =>
        await store.PutAsync(key, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, RunManifest.Json)),
            condition, cancellationToken).ConfigureAwait(false) is not null;

    private sealed record CommitMarker(int Shard, DateTimeOffset At);

    private sealed record CommittedRecord(string Manifest, int ExitCode, DateTimeOffset At);

    [LoggerMessage(EventId = 170, Level = LogLevel.Information,
        Message = "Sharded run '{RunName}': started run {RunId} over {Shards} shards")]
    private static partial void LogCreated(ILogger logger, string runName, string runId, int shards);

    [LoggerMessage(EventId = 171, Level = LogLevel.Information,
        Message = "Sharded run '{RunName}': joined run {RunId}, started by shard {Shard}")]
    private static partial void LogJoined(ILogger logger, string runName, string runId, int shard);

    [LoggerMessage(EventId = 172, Level = LogLevel.Information,
        Message = "Run {RunId}: shard {Shard} commits it")]
    private static partial void LogOtherCommits(ILogger logger, string runId, int shard);
}

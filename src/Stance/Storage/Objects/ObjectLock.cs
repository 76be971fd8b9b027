using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Stance.Storage.Objects;

/// <summary>One run at a time per dataset on an object store, which has no file lock: the lock is the object
/// <c>.stance/lock.json</c>, created with <c>If-None-Match: *</c> (of two runs started at once exactly one creates
/// it) and renewed with <c>If-Match</c> every third of its time to live. A run that finds it stops with
/// <see cref="ClaimHeldException"/> naming the holder; a lock whose holder stopped renewing it (a killed pod) is taken
/// over, with <c>If-Match</c> on the expired lock's ETag, once it has expired.</summary>
/// <remarks>Expiry is judged by the clocks of the machines involved; keep them in sync (NTP) and the time to live
/// well above their skew.</remarks>
internal sealed class ObjectLock : IAsyncDisposable
{
    /// <summary>The lock's key under the dataset's root.</summary>
    public const string Key = ".stance/lock.json";

    private readonly IObjectStore _store;
    private readonly string _key;
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;
    private readonly string _holder;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private readonly Task _renewing;
    private string _etag;
    private DateTimeOffset _renewedAt;
    private string? _lost;

    private ObjectLock(
        IObjectStore store,
        string key,
        TimeProvider time,
        TimeSpan ttl,
        string holder,
        string etag,
        DateTimeOffset writtenAt)
    {
        _store = store;
        _key = key;
        _time = time;
        _ttl = ttl;
        _holder = holder;
        _etag = etag;
        _renewedAt = writtenAt;
        _renewing = RenewAsync(_stop.Token);
    }

    /// <summary>Takes the lock on <paramref name="store"/>, or throws <see cref="ClaimHeldException"/> naming its
    /// holder. <paramref name="tookOver"/> reports a lock taken over from a holder that stopped renewing it.</summary>
    public static Task<ObjectLock> AcquireAsync(
        IObjectStore store,
        TimeProvider time,
        TimeSpan ttl,
        Action<string>? tookOver,
        CancellationToken cancellationToken) =>
        AcquireAsync(store, Key, $"the dataset {store.Location}", time, ttl, tookOver, cancellationToken);

    /// <summary>Takes the lock object <paramref name="key"/> (a lock on <paramref name="what"/>, for messages), or
    /// throws <see cref="ClaimHeldException"/> naming its holder.</summary>
    public static async Task<ObjectLock> AcquireAsync(
        IObjectStore store,
        string key,
        string what,
        TimeProvider time,
        TimeSpan ttl,
        Action<string>? tookOver,
        CancellationToken cancellationToken)
    {
        var holder = string.Create(
            CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId} on {Environment.MachineName}");
        // The expiry written is the time the write was sent plus the time to live: the lock's age counts from then.
        var writtenAt = time.GetUtcNow();
        var etag = await store.PutAsync(key, Content(holder, writtenAt, ttl), WriteCondition.IfAbsent,
            cancellationToken).ConfigureAwait(false);
        if (etag is null)
        {
            var current = (await store.ListAsync(key, cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(o => o.Key == key);
            var held = current is null ? null : await ReadAsync(store, key, cancellationToken).ConfigureAwait(false);
            if (current is not null && held is not null && held.ExpiresAt < time.GetUtcNow())
            {
                writtenAt = time.GetUtcNow();
                etag = await store.PutAsync(key, Content(holder, writtenAt, ttl), WriteCondition.IfMatch(current.ETag),
                    cancellationToken).ConfigureAwait(false);
                if (etag is not null)
                {
                    tookOver?.Invoke($"{held.Holder}, expired at {held.ExpiresAt:yyyy-MM-dd HH:mm:ss}Z");
                }
            }
            else if (current is null)
            {
                // Released between our attempt and our look: try once more.
                writtenAt = time.GetUtcNow();
                etag = await store.PutAsync(key, Content(holder, writtenAt, ttl), WriteCondition.IfAbsent,
                    cancellationToken).ConfigureAwait(false);
            }

            if (etag is null)
            {
                throw new ClaimHeldException(
                    what,
                    held is null
                        ? "another run"
                        : $"{held.Holder}, until {held.ExpiresAt:yyyy-MM-dd HH:mm:ss}Z unless it renews it",
                    new IOException($"{store.Location}/{key} exists"));
            }
        }

        return new ObjectLock(store, key, time, ttl, holder, etag, writtenAt);
    }

    /// <summary>Renews the lock now (so the commit that follows starts with a whole time to live ahead of it), then
    /// throws as <see cref="ThrowIfLost"/> does.</summary>
    public async Task EnsureHeldAsync(CancellationToken cancellationToken)
    {
        if (_lost is null)
        {
            await TryRenewAsync(cancellationToken).ConfigureAwait(false);
        }

        ThrowIfLost();
    }

    /// <summary>Throws when the lock was taken over, or when its last successful renewal was sent more than half its
    /// time to live ago (the other half is the margin for a commit step that a slow store stretches): the run must not
    /// go on committing.</summary>
    public void ThrowIfLost()
    {
        var age = _time.GetUtcNow() - _renewedAt;
        if (_lost is null && age > _ttl / 2)
        {
            _lost = $"the lock {_store.Location}/{_key} was last renewed {age.TotalSeconds:F0} s ago (its time to " +
                $"live is {_ttl.TotalSeconds:F0} s): another run may take it over";
        }

        if (_lost is not null)
        {
            throw new OutputWriteException($"{_store.Location}/{_key}", new IOException(_lost), "hold the lock");
        }
    }

    /// <summary>Stops renewing and deletes the lock (only if it is still this run's).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        await _renewal.WaitAsync().ConfigureAwait(false);
        if (_lost is null)
        {
            try
            {
                await _store.DeleteAsync(_key, CancellationToken.None, ifMatch: _etag).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException
                or TimeoutException)
            {
                // Not released: it expires on its own after its time to live.
            }
        }
    }

    private static MemoryStream Content(string holder, DateTimeOffset at, TimeSpan ttl) =>
        new(JsonSerializer.SerializeToUtf8Bytes(new LockContent(holder, at + ttl)));

    private static async Task<LockContent?> ReadAsync(
        IObjectStore store,
        string key,
        CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        if (!await store.DownloadAsync(key, buffer, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LockContent>(buffer.ToArray());
        }
        catch (JsonException)
        {
            return new LockContent(Encoding.UTF8.GetString(buffer.ToArray()), DateTimeOffset.MaxValue);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        while (_lost is null)
        {
            await Task.Delay(_ttl / 3, _time, cancellationToken).ConfigureAwait(false);
            await TryRenewAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task TryRenewAsync(CancellationToken cancellationToken)
    {
        await _renewal.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lost is not null)
            {
                return;
            }

            // Not cancelled once sent: a renewal the store applied but whose reply was dropped would leave this run
            // with a stale ETag, unable to release its own lock.
            var sentAt = _time.GetUtcNow();
            var etag = await _store.PutAsync(_key, Content(_holder, sentAt, _ttl), WriteCondition.IfMatch(_etag),
                CancellationToken.None).ConfigureAwait(false);
            if (etag is null)
            {
                _lost = $"another run took over the lock {_store.Location}/{_key} (this run did not renew it within " +
                    $"{_ttl.TotalSeconds:F0} s)";
                return;
            }

            _etag = etag;
            _renewedAt = sentAt;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any failure (a store error, an SDK timeout) is retried at the next tick; ThrowIfLost stops the commit
            // once the last success is too old.
        }
        finally
        {
            _renewal.Release();
        }
    }

    private sealed record LockContent(string Holder, DateTimeOffset ExpiresAt);
}

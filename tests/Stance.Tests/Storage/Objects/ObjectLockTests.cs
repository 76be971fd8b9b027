using System.Text.Json;
using Stance.Storage;
using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Storage.Objects;

/// <summary>One run at a time per object-store dataset: the lock object, its renewal, its take-over after a holder
/// stopped renewing it, and a lost lock stopping the commit.</summary>
public sealed class ObjectLockTests
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(30);
    private readonly MemoryObjectStore _store = new();
    private readonly WaitingClock _time = new(new DateTimeOffset(2026, 12, 2, 1, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ASecondRunFindsTheLockHeldAndIsToldByWhomAndUntilWhen()
    {
        await using var first = await AcquireAsync();

        var error = await Assert.ThrowsAsync<ClaimHeldException>(() => AcquireAsync());

        Assert.Contains($"pid {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
        Assert.Contains("until 2026-12-02 01:00:30Z", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALockWhoseHolderStoppedRenewingItIsTakenOverOnlyOnceItExpired()
    {
        // A killed run's lock: nobody renews it.
        await _store.PutAsync(ObjectLock.Key, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(
            new { Holder = "pid 1 on pod-a", ExpiresAt = _time.GetUtcNow() + s_ttl })), WriteCondition.None, default);
        await Assert.ThrowsAsync<ClaimHeldException>(() => AcquireAsync());

        _time.Advance(s_ttl + TimeSpan.FromSeconds(1));
        string? tookOver = null;
        await using var taken = await AcquireAsync(holder => tookOver = holder);

        Assert.StartsWith("pid 1 on pod-a, expired at", tookOver, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHeldLockIsRenewedSoItNeverExpiresWhileItsRunLives()
    {
        await using var held = await AcquireAsync();

        for (var i = 0; i < 6; i++)
        {
            var renewals = _store.Log.Count;
            await AdvanceToTheNextRenewalAsync();
            await Eventually.WaitUntil(() => _store.Log.Count > renewals);
        }

        await Assert.ThrowsAsync<ClaimHeldException>(() => AcquireAsync());
    }

    [Fact]
    public async Task ARunWhoseLockWasTakenOverMayNotCommit()
    {
        await using var held = await AcquireAsync();
        await _store.PutAsync(ObjectLock.Key, new MemoryStream("{}"u8.ToArray()), WriteCondition.None, default);

        var error = await Assert.ThrowsAsync<OutputWriteException>(() => held.EnsureHeldAsync(default));

        Assert.Contains("another run took over the lock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenewalsThatKeepFailingStopTheCommitBeforeTheLockCouldExpire()
    {
        await using var held = await AcquireAsync();
        // An SDK timeout is not an ObjectStoreException: it must not end the renewals either.
        var attempts = 0;
        _store.OnWrite = what =>
        {
            Interlocked.Increment(ref attempts);
            throw new TaskCanceledException($"{what}: timed out (test)");
        };
        for (var i = 1; i <= 2; i++)
        {
            await AdvanceToTheNextRenewalAsync();
            await Eventually.WaitUntil(() => Volatile.Read(ref attempts) == i);
        }

        var error = Assert.Throws<OutputWriteException>(held.ThrowIfLost);
        Assert.Contains("was last renewed 20 s ago", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALockRenewedSlowlyIsAgedFromWhenTheRenewalWasSentNotWhenItReturned()
    {
        await using var held = await AcquireAsync();
        var slow = 1;
        _store.OnWrite = what =>
        {
            if (Interlocked.Exchange(ref slow, 0) == 1)
            {
                _time.Advance(TimeSpan.FromSeconds(15)); // the renewal's request takes 15 s
            }
        };
        var writes = _store.Log.Count;
        await AdvanceToTheNextRenewalAsync();
        await Eventually.WaitUntil(() => _store.Log.Count > writes);

        // Renewed at T+10 (its expiry says T+40), returned at T+25: half the time to live is gone since it was sent.
        held.ThrowIfLost();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Throws<OutputWriteException>(held.ThrowIfLost);
    }

    [Fact]
    public async Task ARenewalAfterFailuresKeepsTheLock()
    {
        await using var held = await AcquireAsync();
        var failures = 0;
        _store.OnWrite = what =>
        {
            if (Interlocked.Increment(ref failures) <= 1)
            {
                throw new TaskCanceledException($"{what}: timed out (test)");
            }
        };

        for (var i = 1; i <= 2; i++)
        {
            await AdvanceToTheNextRenewalAsync();
            await Eventually.WaitUntil(() => Volatile.Read(ref failures) == i);
        }

        held.ThrowIfLost();
        await Assert.ThrowsAsync<ClaimHeldException>(() => AcquireAsync());
    }

    [Fact]
    public async Task ReleasingTheLockDeletesItButNeverAnotherRunsLock()
    {
        var first = await AcquireAsync();
        await first.DisposeAsync();
        Assert.DoesNotContain(ObjectLock.Key, _store.Keys);

        var second = await AcquireAsync();
        await _store.PutAsync(ObjectLock.Key, new MemoryStream("{}"u8.ToArray()), WriteCondition.None, default);
        await second.DisposeAsync();

        Assert.Contains(ObjectLock.Key, _store.Keys);
    }

    // Only once the renewal loop waits on the clock (no guessed sleep), then exactly to its tick.
    private async Task AdvanceToTheNextRenewalAsync()
    {
        await _time.WaitForTimersDueWithinAsync(s_ttl / 3, s_ttl / 3);
        _time.Advance(s_ttl / 3);
    }

    private Task<ObjectLock> AcquireAsync(Action<string>? tookOver = null) =>
        ObjectLock.AcquireAsync(_store, _time, s_ttl, tookOver, CancellationToken.None);
}

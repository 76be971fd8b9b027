using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Stance.Tests.Support;

/// <summary>A fake clock that knows which of its timers are still live and when they are due, so a test advances it
/// only once the code under test is waiting on it (a Polly delay, the rate-limit gate), never after a guessed
/// sleep.</summary>
internal sealed class WaitingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentDictionary<TrackedTimer, byte> _live = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this, base.CreateTimer(callback, state, dueTime, period), DueAt(dueTime));
        _live.TryAdd(timer, 0);
        return timer;
    }

    /// <summary>Waits (in real time, at most 5 s) until <paramref name="count"/> live timers are due within
    /// [<paramref name="from"/>, <paramref name="to"/>] from now.</summary>
    public Task WaitForTimersDueWithinAsync(TimeSpan from, TimeSpan to, int count = 1) =>
        Eventually.WaitUntil(() =>
        {
            var now = GetUtcNow();
            return _live.Keys.Count(t => t.DueAt is { } due && due - now >= from && due - now <= to) >= count;
        });

    private DateTimeOffset? DueAt(TimeSpan dueTime) =>
        dueTime == Timeout.InfiniteTimeSpan ? null : GetUtcNow() + dueTime;

    private sealed class TrackedTimer(WaitingClock clock, ITimer inner, DateTimeOffset? dueAt) : ITimer
    {
        public DateTimeOffset? DueAt { get; private set; } = dueAt;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueAt = clock.DueAt(dueTime);
            return inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            clock._live.TryRemove(this, out _);
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            clock._live.TryRemove(this, out _);
            return inner.DisposeAsync();
        }
    }
}

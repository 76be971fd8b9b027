using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Hosting;

/// <summary>The schedule, driven by a fake clock: no real waiting.</summary>
public sealed class NightlySchedulerTests
{
    [Fact]
    public async Task ARunStillGoingWhenTheNextIsDueIsNotOverlappedAndTheSkipIsLogged()
    {
        var time = new SchedulerClock(DateTimeOffset.Parse("2026-11-29T01:55:00Z", CultureInfo.InvariantCulture));
        var job = new ControlledJob();
        var logs = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var scheduler = new NightlyScheduler(job, time, factory.CreateLogger<NightlyScheduler>());
        using var stop = new CancellationTokenSource();

        var running = scheduler.RunAsync("0 2 * * *", TimeZoneInfo.Utc, stop.Token);
        await time.AdvanceWhenWaitingAsync(TimeSpan.FromMinutes(5));   // 02:00 → the first run starts
        await Eventually.WaitUntil(() => job.Started == 1);

        await time.AdvanceWhenWaitingAsync(TimeSpan.FromDays(1));      // 02:00 next day, the first run still going
        await Eventually.WaitUntil(() => LogLines.Of(logs)
            .Any(l => l.Contains("skipped: the previous run is still going", StringComparison.Ordinal)));
        Assert.Equal(1, job.Started);

        job.Finish();
        await Eventually.WaitUntil(() => LogLines.Of(logs)
            .Any(l => l.Contains("ended with exit code", StringComparison.Ordinal)));
        await time.AdvanceWhenWaitingAsync(TimeSpan.FromDays(1));      // the third night runs again
        await Eventually.WaitUntil(() => job.Started == 2);

        await stop.CancelAsync();
        job.Finish();
        Assert.Equal(ExitCodes.Ok, await running.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, job.MaxConcurrent);
    }

    [Fact]
    public async Task TheScheduleIsReadInItsTimeZone()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-07-01T00:00:00Z", CultureInfo.InvariantCulture));
        var job = new ControlledJob();
        var logs = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        using var stop = new CancellationTokenSource();

        var running = new NightlyScheduler(job, time, factory.CreateLogger<NightlyScheduler>())
            .RunAsync("30 3 * * *", TimeZoneInfo.FindSystemTimeZoneById("Asia/Baku"), stop.Token);
        await Eventually.WaitUntil(() => LogLines.Of(logs)
            .Any(l => l.Contains("Next scheduled run", StringComparison.Ordinal)));

        // 03:30 in Baku is 23:30 UTC.
        Assert.Contains(
            LogLines.Of(logs), l => l.Contains("2026-07-02T03:30:00.0000000+04:00", StringComparison.Ordinal));
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, job.Started);
    }

    /// <summary>A fake clock that advances only once the scheduler is waiting on it (a new timer exists), so an advance
    /// can never land before the scheduler has read the time and be missed, however slow the machine.</summary>
    private sealed class SchedulerClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _timers;
        private int _timersAtLastAdvance;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }

        public async Task AdvanceWhenWaitingAsync(TimeSpan by)
        {
            await Eventually.WaitUntil(() => Volatile.Read(ref _timers) > _timersAtLastAdvance);
            _timersAtLastAdvance = Volatile.Read(ref _timers);
            Advance(by);
        }
    }


    private sealed class ControlledJob : IBatchJob
    {
        private TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running;

        public int Started;

        public int MaxConcurrent;

        public void Finish() =>
            Interlocked.Exchange(ref _finish, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

        public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Started);
            var now = Interlocked.Increment(ref _running);
            MaxConcurrent = Math.Max(MaxConcurrent, now);
            await Volatile.Read(ref _finish).Task;
            Interlocked.Decrement(ref _running);
            return new RunSummary("run", null!, ExitCodes.Ok);
        }
    }
}

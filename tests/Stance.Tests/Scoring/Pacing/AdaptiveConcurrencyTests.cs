using Stance.Scoring.Pacing;

namespace Stance.Tests.Scoring.Pacing;

public sealed class AdaptiveConcurrencyTests
{
    [Fact]
    public async Task TheLimitGrowsByOneAfterEachWindowOfSteadySuccesses()
    {
        var limiter = new AdaptiveConcurrency(initial: 2, maximum: 4);

        for (var i = 0; i < 2; i++)
        {
            await limiter.AcquireAsync(CancellationToken.None);
            limiter.Release(overloaded: false, latencyMs: 100);
        }

        Assert.Equal(3, limiter.Limit);
        for (var i = 0; i < 20; i++)
        {
            await limiter.AcquireAsync(CancellationToken.None);
            limiter.Release(overloaded: false, latencyMs: 110);
        }

        Assert.Equal(4, limiter.Limit); // never above the maximum
    }

    [Fact]
    public async Task RisingLatencyStopsTheGrowth()
    {
        var limiter = new AdaptiveConcurrency(initial: 2, maximum: 8);
        await limiter.AcquireAsync(CancellationToken.None);
        limiter.Release(false, 100);

        for (var i = 0; i < 10; i++)
        {
            await limiter.AcquireAsync(CancellationToken.None);
            limiter.Release(false, 100 * AdaptiveConcurrency.LatencyTolerance * 1.5);
        }

        Assert.Equal(2, limiter.Limit);
    }

    [Fact]
    public async Task OverloadHalvesTheLimitAndWaitersGetSlotsAsTheyFree()
    {
        var limiter = new AdaptiveConcurrency(initial: 4, maximum: 8);
        for (var i = 0; i < 4; i++)
        {
            await limiter.AcquireAsync(CancellationToken.None);
        }

        var waiting = limiter.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        limiter.Release(overloaded: true, latencyMs: 5000);
        Assert.Equal(2, limiter.Limit);
        Assert.False(waiting.IsCompleted); // 3 in flight, limit 2

        limiter.Release(false, 100);
        limiter.Release(false, 100);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ACancelledWaitGivesNoSlotAway()
    {
        var limiter = new AdaptiveConcurrency(initial: 1, maximum: 1);
        await limiter.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        limiter.Release(false, 10);
        await limiter.AcquireAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }
}

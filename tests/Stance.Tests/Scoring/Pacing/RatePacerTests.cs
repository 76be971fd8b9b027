using Stance.Scoring.Pacing;

namespace Stance.Tests.Scoring.Pacing;

/// <summary>The pacing logic: which limits are in force, how big the buckets are, and that a request beyond them waits.
/// (The achieved rate is measured in the benchmark, not asserted here.)</summary>
public sealed class RatePacerTests
{
    [Fact]
    public async Task ARequestBeyondTheRequestsBucketWaits()
    {
        using var pacer = new RatePacer(requestsPerMinute: 1, tokensPerMinute: null, learnFromHeaders: false);
        await pacer.AcquireAsync(10, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var second = pacer.AcquireAsync(10, cancel.Token).AsTask();
        await Task.Yield();

        Assert.False(second.IsCompleted); // the next permit comes a minute later
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
    }

    [Fact]
    public async Task ARequestBeyondTheTokensBucketWaitsAndAHugeOneCountsAsTheWholeBucket()
    {
        using var pacer = new RatePacer(requestsPerMinute: null, tokensPerMinute: 10_000, learnFromHeaders: false);
        Assert.Equal(8192, pacer.TokensBurst);

        await pacer.AcquireAsync(1_000_000, CancellationToken.None); // clamped to the bucket, not refused
        using var cancel = new CancellationTokenSource();
        var next = pacer.AcquireAsync(5000, cancel.Token).AsTask();
        await Task.Yield();

        Assert.False(next.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    [Fact]
    public async Task WithoutLimitsNothingWaits()
    {
        using var pacer = new RatePacer(null, null, learnFromHeaders: false);

        for (var i = 0; i < 1000; i++)
        {
            var acquire = pacer.AcquireAsync(50_000, CancellationToken.None).AsTask();
            Assert.True(acquire.IsCompleted);
            await acquire;
        }
    }

    [Theory]
    [InlineData(60, 1)]
    [InlineData(1200, 10)]
    [InlineData(60_000, 500)]
    public void TheRequestsBucketHoldsHalfASecondOfRequests(int rpm, int burst)
    {
        using var pacer = new RatePacer(rpm, null, learnFromHeaders: false);

        Assert.Equal(burst, pacer.RequestsBurst);
    }

    [Fact]
    public void TheLimitsAProviderAnnouncesAreAdoptedWithHeadroomUnlessConfigured()
    {
        using var learning = new RatePacer(null, null, learnFromHeaders: true);
        using var configured = new RatePacer(100, null, learnFromHeaders: true);
        using var deaf = new RatePacer(null, null, learnFromHeaders: false);

        learning.Learn(600, 90_000);
        configured.Learn(600, 90_000);
        deaf.Learn(600, 90_000);

        Assert.Equal((582, 87_300), (learning.RequestsPerMinute, learning.TokensPerMinute));
        Assert.Equal((100, 87_300), (configured.RequestsPerMinute, configured.TokensPerMinute));
        Assert.Equal((null, null), (deaf.RequestsPerMinute, deaf.TokensPerMinute));
    }
}

using System.Threading.RateLimiting;

namespace Stance.Scoring.Pacing;

/// <summary>Client-side pacing with token buckets (System.Threading.RateLimiting): one for requests per minute, one
/// for tokens per minute. The limits are configured, or learned from the provider's <c>x-ratelimit-limit-*</c> headers
/// when not configured. Buckets are replenished on the injected <see cref="TimeProvider"/>, so tests drive them.</summary>
internal sealed class RatePacer : IDisposable
{
    /// <summary>The share of a learned limit the pacer aims at, leaving room for clock skew between client and server.</summary>
    public const double LearnedHeadroom = 0.97;

    private static readonly TimeSpan s_period = TimeSpan.FromMilliseconds(50);
    private readonly TimeProvider _time;
    private readonly bool _learn;
    private readonly ITimer _timer;
    private Bucket? _requests;
    private Bucket? _tokens;

    /// <summary>Creates a pacer; null limits are unlimited (or learned, when <paramref name="learnFromHeaders"/>).</summary>
    public RatePacer(int? requestsPerMinute, int? tokensPerMinute, bool learnFromHeaders, TimeProvider time)
    {
        _time = time;
        _learn = learnFromHeaders;
        _requests = requestsPerMinute is { } rpm ? Bucket.PerMinute(rpm, burst: Math.Max(1, rpm / 120)) : null;
        _tokens = tokensPerMinute is { } tpm ? Bucket.PerMinute(tpm, burst: Math.Min(tpm, Math.Max(tpm / 60, 8192))) : null;
        RequestsConfigured = requestsPerMinute is not null;
        TokensConfigured = tokensPerMinute is not null;
        _timer = time.CreateTimer(_ => Replenish(), null, s_period, s_period);
    }

    /// <summary>True when the requests limit came from configuration (headers then never change it).</summary>
    public bool RequestsConfigured { get; }

    /// <summary>True when the tokens limit came from configuration.</summary>
    public bool TokensConfigured { get; }

    /// <summary>The requests-per-minute limit in force, or null.</summary>
    public int? RequestsPerMinute => Volatile.Read(ref _requests)?.PerMinuteLimit;

    /// <summary>The tokens-per-minute limit in force, or null.</summary>
    public int? TokensPerMinute => Volatile.Read(ref _tokens)?.PerMinuteLimit;

    /// <summary>Waits until one request of about <paramref name="estimatedTokens"/> tokens may be sent.</summary>
    public async ValueTask AcquireAsync(int estimatedTokens, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _requests) is { } requests)
        {
            using var lease = await requests.Limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _tokens) is { } tokens)
        {
            using var lease = await tokens.Limiter.AcquireAsync(Math.Clamp(estimatedTokens, 1, tokens.Burst), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adopts the limits a provider announced, where none is configured.</summary>
    public void Learn(int? requestsPerMinute, int? tokensPerMinute)
    {
        if (!_learn)
        {
            return;
        }

        if (!RequestsConfigured && requestsPerMinute is > 0 and var rpm && Volatile.Read(ref _requests)?.Announced != rpm)
        {
            var paced = Math.Max(1, (int)(rpm * LearnedHeadroom));
            Swap(ref _requests, Bucket.PerMinute(paced, burst: Math.Max(1, paced / 120)) with { Announced = rpm });
        }

        if (!TokensConfigured && tokensPerMinute is > 0 and var tpm && Volatile.Read(ref _tokens)?.Announced != tpm)
        {
            var paced = Math.Max(1, (int)(tpm * LearnedHeadroom));
            Swap(ref _tokens, Bucket.PerMinute(paced, burst: Math.Min(paced, Math.Max(paced / 60, 8192))) with { Announced = tpm });
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _requests?.Limiter.Dispose();
        _tokens?.Limiter.Dispose();
    }

    private static void Swap(ref Bucket? field, Bucket bucket)
    {
        // A request already queued on the old bucket is let through; the new pace applies from the next one.
        Interlocked.Exchange(ref field, bucket)?.Limiter.Dispose();
    }

    private void Replenish()
    {
        Volatile.Read(ref _requests)?.Replenish(_time);
        Volatile.Read(ref _tokens)?.Replenish(_time);
    }

    private sealed record Bucket(TokenBucketRateLimiter Limiter, int PerMinuteLimit, int Burst, int Chunk)
    {
        private readonly Lock _lock = new();
        private long _lastTicks = -1;
        private double _carry;

        public int? Announced { get; init; }

        /// <summary>A bucket holding at most <paramref name="burst"/> permits, refilled at <paramref name="perMinute"/> a minute.</summary>
        public static Bucket PerMinute(int perMinute, int burst)
        {
            // Permits are added in chunks of about one replenishment period's worth, the remainder carried over.
            var chunk = Math.Clamp(perMinute / 1200, 1, burst);
            return new(CreateLimiter(burst, chunk), perMinute, burst, chunk);
        }

        private static TokenBucketRateLimiter CreateLimiter(int burst, int chunk) =>
            new(new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = chunk,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                AutoReplenishment = false,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });

        /// <summary>Adds the permits earned since the last call (fractions carried over).</summary>
        public void Replenish(TimeProvider time)
        {
            lock (_lock)
            {
                var now = time.GetTimestamp();
                if (_lastTicks < 0)
                {
                    _lastTicks = now;
                    return;
                }

                _carry += time.GetElapsedTime(_lastTicks, now).TotalMinutes * PerMinuteLimit;
                _lastTicks = now;
                var chunks = (int)(_carry / Chunk);
                _carry -= chunks * Chunk;
                for (var i = 0; i < chunks && Limiter.GetStatistics()?.CurrentAvailablePermits < Burst; i++)
                {
                    Limiter.TryReplenish();
                }

                if (Limiter.GetStatistics()?.CurrentAvailablePermits >= Burst)
                {
                    _carry = 0;
                }
            }
        }
    }
}

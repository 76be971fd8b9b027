using System.Threading.RateLimiting;

namespace Stance.Scoring.Pacing;

/// <summary>Client-side pacing with token buckets (System.Threading.RateLimiting): one for requests per minute, one
/// for tokens per minute. The limits are configured, or learned from the provider's <c>x-ratelimit-limit-*</c> headers
/// when not configured. The buckets refill on their own timer in real time (the library offers no clock to inject),
/// in small chunks about every 50 ms, so the pace is even rather than a burst at each minute.</summary>
internal sealed class RatePacer : IDisposable
{
    /// <summary>The share of a learned limit the pacer aims at, leaving room for clock skew between client and
    /// server.</summary>
    public const double LearnedHeadroom = 0.97;

    private readonly bool _learn;
    private readonly TaskCompletionSource _firstResponse = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _probeSent;
    private Bucket? _requests;
    private Bucket? _tokens;

    /// <summary>Creates a pacer; null limits are unlimited (or learned, when
    /// <paramref name="learnFromHeaders"/>).</summary>
    public RatePacer(int? requestsPerMinute, int? tokensPerMinute, bool learnFromHeaders)
    {
        _learn = learnFromHeaders;
        _requests = requestsPerMinute is { } rpm ? Bucket.Requests(rpm) : null;
        _tokens = tokensPerMinute is { } tpm ? Bucket.Tokens(tpm) : null;
        RequestsConfigured = requestsPerMinute is not null;
        TokensConfigured = tokensPerMinute is not null;
    }

    /// <summary>True when the requests limit came from configuration (headers then never change it).</summary>
    public bool RequestsConfigured { get; }

    /// <summary>True when the tokens limit came from configuration.</summary>
    public bool TokensConfigured { get; }

    /// <summary>The requests-per-minute pace in force, or null.</summary>
    public int? RequestsPerMinute => Volatile.Read(ref _requests)?.PerMinute;

    /// <summary>The tokens-per-minute pace in force, or null.</summary>
    public int? TokensPerMinute => Volatile.Read(ref _tokens)?.PerMinute;

    /// <summary>The most permits the requests bucket holds (the largest burst).</summary>
    public int? RequestsBurst => Volatile.Read(ref _requests)?.Burst;

    /// <summary>The most permits the tokens bucket holds; a larger request is counted as this many.</summary>
    public int? TokensBurst => Volatile.Read(ref _tokens)?.Burst;

    /// <summary>Waits until one request of about <paramref name="estimatedTokens"/> tokens may be sent. When limits are
    /// to be learned and none is known yet, one request goes first and the others wait for its answer's headers, so a
    /// run does not open with a burst the provider refuses.</summary>
    public async ValueTask AcquireAsync(int estimatedTokens, CancellationToken cancellationToken)
    {
        if (_learn
            && !RequestsConfigured
            && !_firstResponse.Task.IsCompleted
            && Interlocked.Exchange(ref _probeSent, 1) == 1)
        {
            await _firstResponse.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _requests) is { } requests)
        {
            using var lease = await requests.Limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _tokens) is { } tokens)
        {
            using var lease = await tokens.Limiter
                .AcquireAsync(Math.Clamp(estimatedTokens, 1, tokens.Burst), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Marks that a request came back (answered or not), which ends the opening probe.</summary>
    public void Observed() => _firstResponse.TrySetResult();

    /// <summary>Adopts the limits a provider announced, where none is configured.</summary>
    public void Learn(int? requestsPerMinute, int? tokensPerMinute)
    {
        if (!_learn)
        {
            return;
        }

        if (!RequestsConfigured
            && requestsPerMinute is > 0 and var rpm
            && Volatile.Read(ref _requests)?.Announced != rpm)
        {
            Swap(ref _requests, Bucket.Requests(Math.Max(1, (int)(rpm * LearnedHeadroom))) with { Announced = rpm });
        }

        if (!TokensConfigured && tokensPerMinute is > 0 and var tpm && Volatile.Read(ref _tokens)?.Announced != tpm)
        {
            Swap(ref _tokens, Bucket.Tokens(Math.Max(1, (int)(tpm * LearnedHeadroom))) with { Announced = tpm });
        }
    }

    public void Dispose()
    {
        _requests?.Limiter.Dispose();
        _tokens?.Limiter.Dispose();
    }

    private static void Swap(ref Bucket? field, Bucket bucket)
    {
        // A request already queued on the old bucket is let through; the new pace applies from the next one.
        Interlocked.Exchange(ref field, bucket)?.Limiter.Dispose();
    }

    private sealed record Bucket(TokenBucketRateLimiter Limiter, int PerMinute, int Burst)
    {
        public int? Announced { get; init; }

        /// <summary>Requests: at most half a second's worth banked, so a server's per-minute bucket never sees a
        /// burst.</summary>
        public static Bucket Requests(int perMinute) => Create(perMinute, Math.Max(1, perMinute / 120));

        /// <summary>Tokens: a second's worth banked, and at least one large request.</summary>
        public static Bucket Tokens(int perMinute) =>
            Create(perMinute, Math.Min(perMinute, Math.Max(perMinute / 60, 8192)));

        private static Bucket Create(int perMinute, int burst)
        {
            // Refill in chunks of about 50 ms worth (at least one permit), each chunk after exactly its share of the
            // minute.
            var chunk = Math.Clamp(perMinute / 1200, 1, burst);
            var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = chunk,
                ReplenishmentPeriod = TimeSpan.FromMinutes((double)chunk / perMinute),
                AutoReplenishment = true,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
            return new Bucket(limiter, perMinute, burst);
        }
    }
}

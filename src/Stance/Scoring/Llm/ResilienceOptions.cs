namespace Stance.Scoring.Llm;

/// <summary>The Polly pipeline around each LLM call.</summary>
internal sealed class ResilienceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Resilience";

    /// <summary>Retries after the first attempt, for transient faults (429, 5xx, 408, network, attempt
    /// timeout).</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first backoff delay; it doubles each retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay (a provider's Retry-After is honoured even when longer).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The bound on all attempts and waits for one ask of one paragraph.</summary>
    public TimeSpan ParagraphTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The circuit opens (and the run stops) when at least this share of attempts fails ...</summary>
    public double BreakerFailureRatio { get; set; } = 0.9;

    /// <summary>... over at least this many attempts ...</summary>
    public int BreakerMinimumThroughput { get; set; } = 20;

    /// <summary>... within this window; not below <see cref="AttemptTimeout"/>, or a hung request (which fails only
    /// when its attempt times out) could never count. Default: 60 s or twice the attempt timeout, whichever is
    /// longer.</summary>
    public TimeSpan? BreakerSamplingDuration { get; set; }

    /// <summary>The run stops as provider_down (exit 6) when no attempt has got an answer or a response other than a
    /// server fault for this long while attempts were in flight. Default: 5 minutes or twice the attempt timeout,
    /// whichever is longer; not below <see cref="AttemptTimeout"/>.</summary>
    public TimeSpan? NoProgressTimeout { get; set; }

    /// <summary>A provider asking to wait longer than this (Retry-After) stops the run at once (exit 6).</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The breaker's window in force.</summary>
    public TimeSpan EffectiveBreakerSamplingDuration =>
        BreakerSamplingDuration ?? Max(TimeSpan.FromSeconds(60), AttemptTimeout * 2);

    /// <summary>The watchdog's span in force.</summary>
    public TimeSpan EffectiveNoProgressTimeout => NoProgressTimeout ?? Max(TimeSpan.FromMinutes(5), AttemptTimeout * 2);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

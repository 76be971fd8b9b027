using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Stance.Telemetry;

namespace Stance.Scoring.Llm;

/// <summary>Builds the Polly pipelines around one LLM call: a total bound, retries with backoff and a circuit breaker
/// shared by the whole run (outer), then, after the rate-limit gate, a per-attempt timeout (inner).</summary>
internal static partial class LlmResilience
{
    /// <summary>The outer pipeline's name in the Polly registry and in its telemetry.</summary>
    public const string PipelineName = "stance-llm";

    /// <summary>The inner (per-attempt) pipeline's name.</summary>
    public const string AttemptPipelineName = "stance-llm-attempt";

    /// <summary>The per-attempt timeout; time spent waiting at the rate-limit gate does not count toward it.</summary>
    public static void ConfigureAttempt(ResiliencePipelineBuilder builder, ResilienceOptions options, TimeProvider time)
    {
        builder.TimeProvider = time;
        builder.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>Adds the outer strategies, outermost first.</summary>
    public static void Configure(
        ResiliencePipelineBuilder builder,
        ResilienceOptions options,
        TimeProvider time,
        RateLimitGate gate,
        RunProgress progress,
        ILogger logger)
    {
        builder.TimeProvider = time;
        builder
            .AddTimeout(options.ParagraphTimeout)
            .AddRetry(new RetryStrategyOptions
            {
                // A 5xx that came back word for word for this paragraph too often is its problem: no more retries.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && ProviderFaults.IsTransient(e)
                    && RepeatedServerErrors.Of(args.Context)?.GaveUp != true),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(ProviderDelay(args.Outcome.Exception, time)),
                OnRetry = args =>
                {
                    if (ProviderFaults.IsRateLimit(args.Outcome.Exception))
                    {
                        gate.Close(args.RetryDelay);
                    }

                    progress.Retry(
                        args.Outcome.Exception is { } failure ? ProviderFaults.Classify(failure).Kind : "no_result");
                    LogRetry(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds,
                        args.Outcome.Exception is { } e ? ProviderFaults.Describe(e) : "no result");
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // Only what speaks of the server counts: not a 429 (up and busy: the gate and the pacer deal with it),
                // not a request-specific answer (a prompt that does not fit), not the repeats of one paragraph's 5xx.
                ShouldHandle = args => ValueTask.FromResult(ProviderFaults.IsServerFault(args.Outcome.Exception)
                    && RepeatedServerErrors.Of(args.Context)?.IsRepeat != true),
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.EffectiveBreakerSamplingDuration,
                BreakDuration = TimeSpan.FromSeconds(30),
            });
    }

    /// <summary>The provider's requested wait plus up to 10 % jitter, or null to use the exponential backoff.</summary>
    internal static TimeSpan? ProviderDelay(Exception? exception, TimeProvider time)
    {
        var retryAfter = exception is null ? null : ProviderFaults.RetryAfter(exception, time.GetUtcNow());
        return retryAfter is { } wait ? wait + (wait * (Random.Shared.NextDouble() * 0.1)) : null;
    }

    [LoggerMessage(
        EventId = 20,
        Level = LogLevel.Warning,
        Message = "LLM call failed (attempt {Attempt}), retrying in {DelayMs:F0} ms: {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMs, string reason);
}

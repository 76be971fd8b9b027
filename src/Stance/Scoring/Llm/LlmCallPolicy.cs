using System.Diagnostics;
using Polly;
using Polly.Timeout;
using Stance.Scoring.Pacing;
using Stance.Telemetry;

namespace Stance.Scoring.Llm;

/// <summary>Runs one LLM call the way every call runs: retries, breaker and total bound outside; inside, each attempt
/// waits at the run's rate-limit gate, for the pacer's token buckets and (when adaptive) for a concurrency slot, then
/// gets its own timeout, and is counted and timed.</summary>
internal sealed class LlmCallPolicy(
    ResiliencePipeline outer,
    ResiliencePipeline attempt,
    RateLimitGate gate,
    RatePacer pacer,
    AdaptiveConcurrency? adaptive,
    RunProgress progress)
{
    /// <summary>Runs <paramref name="call"/> for a request of about <paramref name="estimatedTokens"/> tokens;
    /// <paramref name="onAttempt"/> is called as each attempt is sent.</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, int estimatedTokens, Action onAttempt, CancellationToken cancellationToken) =>
        outer.ExecuteAsync(
            async ct =>
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                await pacer.AcquireAsync(estimatedTokens, ct).ConfigureAwait(false);
                if (adaptive is not null)
                {
                    await adaptive.AcquireAsync(ct).ConfigureAwait(false);
                }

                onAttempt();
                var started = Stopwatch.GetTimestamp();
                Exception? failure = null;
                try
                {
                    return await attempt.ExecuteAsync(call, ct).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    failure = ex;
                    throw;
                }
                finally
                {
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    progress.Request(elapsed, failure is null);
                    pacer.Observed();
                    adaptive?.Release(IsOverload(failure), elapsed);
                }
            },
            cancellationToken);

    private static bool IsOverload(Exception? failure) =>
        failure is TimeoutRejectedException || ProviderFaults.IsRateLimit(failure)
        || (failure is Microsoft.SemanticKernel.HttpOperationException { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable });
}

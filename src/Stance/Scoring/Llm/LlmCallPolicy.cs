using System.Diagnostics;
using Polly;
using Stance.Telemetry;

namespace Stance.Scoring.Llm;

/// <summary>Runs one LLM call the way every call runs: retries, breaker and total bound outside; inside, each attempt
/// first waits at the run's rate-limit gate, then gets its own timeout, and is counted and timed.</summary>
internal sealed class LlmCallPolicy(ResiliencePipeline outer, ResiliencePipeline attempt, RateLimitGate gate, RunProgress progress)
{
    /// <summary>Runs <paramref name="call"/>; <paramref name="onAttempt"/> is called as each attempt is sent.</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, Action onAttempt, CancellationToken cancellationToken) =>
        outer.ExecuteAsync(
            async ct =>
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                onAttempt();
                var started = Stopwatch.GetTimestamp();
                var succeeded = false;
                try
                {
                    var result = await attempt.ExecuteAsync(call, ct).ConfigureAwait(false);
                    succeeded = true;
                    return result;
                }
                finally
                {
                    progress.Request(Stopwatch.GetElapsedTime(started).TotalMilliseconds, succeeded);
                }
            },
            cancellationToken);
}

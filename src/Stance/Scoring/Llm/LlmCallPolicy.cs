using Polly;

namespace Stance.Scoring.Llm;

/// <summary>Runs one LLM call the way every call runs: retries, breaker and total bound outside; inside, each attempt
/// first waits at the run's rate-limit gate, then gets its own timeout.</summary>
internal sealed class LlmCallPolicy(ResiliencePipeline outer, ResiliencePipeline attempt, RateLimitGate gate)
{
    /// <summary>Runs <paramref name="call"/>; <paramref name="onAttempt"/> is called as each attempt is sent.</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, Action onAttempt, CancellationToken cancellationToken) =>
        outer.ExecuteAsync(
            async ct =>
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                onAttempt();
                return await attempt.ExecuteAsync(call, ct).ConfigureAwait(false);
            },
            cancellationToken);
}

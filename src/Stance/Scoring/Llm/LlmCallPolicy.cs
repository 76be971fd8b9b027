using System.Diagnostics;
using Polly;
using Polly.Timeout;
using Stance.Contract;
using Stance.Scoring.Pacing;
using Stance.Telemetry;

namespace Stance.Scoring.Llm;

/// <summary>Runs one LLM call the way every call runs: retries, breaker and total bound outside; inside, each attempt
/// waits at the run's rate-limit gate, for the pacer's token buckets and (when adaptive) for a concurrency slot, then
/// gets its own timeout, and is counted and timed. The run's watchdog sees every attempt; a wait the provider asks for
/// beyond <c>MaxRetryAfter</c> stops the run.</summary>
internal sealed class LlmCallPolicy(
    ResiliencePipeline outer,
    ResiliencePipeline attempt,
    RateLimitGate gate,
    RatePacer pacer,
    AdaptiveConcurrency? adaptive,
    RunProgress progress,
    ProgressWatchdog? watchdog = null,
    TimeSpan? maxRetryAfter = null,
    TimeProvider? time = null)
{
    /// <summary>Runs <paramref name="call"/> for a request of about <paramref name="estimatedTokens"/> tokens;
    /// <paramref name="onAttempt"/> is called as each attempt is sent.</summary>
    public async ValueTask<T> ExecuteAsync<T>(
        Func<CancellationToken, ValueTask<T>> call,
        int estimatedTokens,
        Action onAttempt,
        CancellationToken cancellationToken)
    {
        var watched = watchdog?.Token ?? CancellationToken.None;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watched);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        var repeats = new RepeatedServerErrors();
        context.Properties.Set(RepeatedServerErrors.Key, repeats);
        try
        {
            watched.ThrowIfCancellationRequested();
            return await outer.ExecuteAsync(
                ctx => AttemptAsync(call, estimatedTokens, onAttempt, repeats, ctx.CancellationToken), context)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (watched.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RunAbortedException(FailureKind.ProviderDown, watchdog!.Reason, ex);
        }
        catch (Exception ex) when (repeats.GaveUp && ProviderFaults.IsServerFault(ex))
        {
            throw new RepeatedServerErrorException(repeats.Count, ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<T> AttemptAsync<T>(
        Func<CancellationToken, ValueTask<T>> call,
        int estimatedTokens,
        Action onAttempt,
        RepeatedServerErrors repeats,
        CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        await pacer.AcquireAsync(estimatedTokens, ct).ConfigureAwait(false);
        if (adaptive is not null)
        {
            await adaptive.AcquireAsync(ct).ConfigureAwait(false);
        }

        onAttempt();
        watchdog?.AttemptStarted();
        var started = Stopwatch.GetTimestamp();
        Exception? failure = null;
        try
        {
            return await attempt.ExecuteAsync(call, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
            repeats.Observe(ex);
            if (TooLongAWait(ex) is { } wait)
            {
                throw new ProviderWaitTooLongException(wait, ex);
            }

            throw;
        }
        finally
        {
            if (failure is null)
            {
                repeats.Observe(null);
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            progress.Request(elapsed, failure is null);
            pacer.Observed();
            adaptive?.Release(IsOverload(failure), elapsed);
            watchdog?.AttemptEnded(ShowsTheProviderWorks(failure));
        }
    }

    /// <summary>The message for a 429 whose wait is beyond <c>MaxRetryAfter</c>, or null.</summary>
    private string? TooLongAWait(Exception failure)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        if (maxRetryAfter is not { } max || !ProviderFaults.IsRateLimit(failure)
            || ProviderFaults.RetryAfter(failure, now) is not { } wait || wait <= max)
        {
            return null;
        }

        return $"the provider asks to wait {ProgressWatchdog.Seconds(wait)} s (Retry-After), more than "
            + $"Stance:Resilience:MaxRetryAfter {max:c}; the run stops, keeping the finished work: "
            + ProviderFaults.Describe(failure);
    }

    // An answer, or a response that is not a server fault (4xx, 429, a prompt that does not fit), shows the provider
    // is up.
    private static bool ShowsTheProviderWorks(Exception? failure) =>
        failure is null
        || (failure is Microsoft.SemanticKernel.HttpOperationException { StatusCode: not null }
            && !ProviderFaults.IsServerFault(failure));

    private static bool IsOverload(Exception? failure) =>
        failure is TimeoutRejectedException || ProviderFaults.IsRateLimit(failure)
        || (failure is Microsoft.SemanticKernel.HttpOperationException
            { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable });
}

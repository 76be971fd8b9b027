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
/// beyond <c>MaxRetryAfter</c> stops the run. Each attempt is held against the run's budget as it goes out (its
/// estimate while in flight, then the tokens reported); one that would pass the cap stops the run's paid
/// calls.</summary>
internal sealed class LlmCallPolicy(
    ResiliencePipeline outer,
    ResiliencePipeline attempt,
    RateLimitGate gate,
    RatePacer pacer,
    AdaptiveConcurrency? adaptive,
    RunProgress progress,
    ProgressWatchdog? watchdog = null,
    TimeSpan? maxRetryAfter = null,
    TimeProvider? time = null,
    RunBudget? budget = null)
{
    /// <summary>Runs <paramref name="call"/> for a request of about <paramref name="estimate"/>;
    /// <paramref name="onAttempt"/> is called as each attempt is sent, <paramref name="usage"/> reads the tokens an
    /// answer reports (null when it reports none).</summary>
    /// <exception cref="RunAbortedException">The provider is down, or the budget allows no further request.</exception>
    public async ValueTask<T> ExecuteAsync<T>(
        Func<CancellationToken, ValueTask<T>> call,
        RequestEstimate estimate,
        Action onAttempt,
        Func<T, TokenUsage?> usage,
        CancellationToken cancellationToken)
    {
        budget?.ThrowIfExceeded();
        var watched = watchdog?.Token ?? CancellationToken.None;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watched);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        var repeats = new RepeatedServerErrors();
        context.Properties.Set(RepeatedServerErrors.Key, repeats);
        try
        {
            watched.ThrowIfCancellationRequested();
            return await outer.ExecuteAsync(
                ctx => AttemptAsync(call, estimate, onAttempt, usage, repeats, ctx.CancellationToken), context)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (watched.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && ex is not RunAbortedException)
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
        RequestEstimate estimate,
        Action onAttempt,
        Func<T, TokenUsage?> usage,
        RepeatedServerErrors repeats,
        CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        await pacer.AcquireAsync(estimate.Tokens, ct).ConfigureAwait(false);

        // Held after the waits, as the attempt goes out, so what was spent meanwhile counts; a retry is held again.
        BudgetSpend? spend;
        try
        {
            spend = budget?.Reserve(estimate);
        }
        catch (RunAbortedException)
        {
            // No answer comes to end the pacer's opening probe if this was it: the requests behind it go on (to be
            // refused in turn).
            pacer.Observed();
            throw;
        }

        if (adaptive is not null)
        {
            try
            {
                await adaptive.AcquireAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                spend?.Release();
                throw;
            }
        }

        onAttempt();
        watchdog?.AttemptStarted();
        var started = Stopwatch.GetTimestamp();
        Exception? failure = null;
        try
        {
            var result = await attempt.ExecuteAsync(call, ct).ConfigureAwait(false);
            spend?.Settle(usage(result));
            return result;
        }
        catch (Exception ex)
        {
            failure = ex;
            spend?.Settle(Refused(ex) ? TokenUsage.None : null);
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

    // An error status is a request the provider refused: not billed. Anything else (a timeout, a dropped connection,
    // an unreadable body) may have been answered and billed: it counts at its estimate.
    private static bool Refused(Exception failure) =>
        (failure is Microsoft.SemanticKernel.HttpOperationException { StatusCode: { } status } && (int)status >= 400)
        || failure is System.ClientModel.ClientResultException { Status: >= 400 };

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

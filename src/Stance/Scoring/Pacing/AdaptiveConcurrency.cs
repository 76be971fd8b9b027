namespace Stance.Scoring.Pacing;

/// <summary>AIMD concurrency control in the manner of Netflix's concurrency-limits: the number of requests in flight
/// may grow by one after each full window of successes whose latency stays near the best seen, and is halved on a sign
/// of overload (429, 503, timeout).</summary>
internal sealed class AdaptiveConcurrency(int initial, int maximum)
{
    /// <summary>Latency above this multiple of the best seen counts as queueing at the provider: no growth.</summary>
    public const double LatencyTolerance = 2.0;

    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private int _limit = Math.Clamp(initial, 1, maximum);
    private int _inFlight;
    private int _successes;
    private double _bestLatencyMs = double.MaxValue;

    /// <summary>The number of requests allowed in flight now.</summary>
    public int Limit
    {
        get
        {
            lock (_lock)
            {
                return _limit;
            }
        }
    }

    /// <summary>Waits for a slot.</summary>
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_inFlight < _limit)
            {
                _inFlight++;
                return;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
        }

        try
        {
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_lock)
            {
                if (!waiter.TrySetCanceled(cancellationToken))
                {
                    // The slot was handed over just as the wait was cancelled: give it back.
                    _inFlight--;
                    WakeWaiters();
                }
            }

            throw;
        }
    }

    /// <summary>Returns a slot with what the request showed: overload halves the limit, steady success grows
    /// it.</summary>
    public void Release(bool overloaded, double latencyMs)
    {
        lock (_lock)
        {
            _inFlight--;
            if (overloaded)
            {
                _limit = Math.Max(1, _limit / 2);
                _successes = 0;
            }
            else
            {
                _bestLatencyMs = Math.Min(_bestLatencyMs, latencyMs);
                if (++_successes >= _limit)
                {
                    _successes = 0;
                    if (latencyMs <= _bestLatencyMs * LatencyTolerance)
                    {
                        _limit = Math.Min(maximum, _limit + 1);
                    }
                }
            }

            WakeWaiters();
        }
    }

    private void WakeWaiters()
    {
        while (_inFlight < _limit && _waiting.TryDequeue(out var next))
        {
            if (next.TrySetResult())
            {
                _inFlight++;
            }
        }
    }
}

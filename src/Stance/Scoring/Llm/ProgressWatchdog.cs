using System.Globalization;

namespace Stance.Scoring.Llm;

/// <summary>Declares the provider down when no attempt has got an answer that shows it working (an answer, or a
/// response that is not a server fault) for <c>Stance:Resilience:NoProgressTimeout</c> of time in which attempts were
/// in flight. Time spent with nothing in flight (backoff, a closed rate-limit gate) does not count, so a long wait the
/// provider asked for does not trip it; how long it takes to trip does not depend on the number of paragraphs. Shared
/// by every call of a run; once every attempt has ended after a trip, it is ready for the next run.</summary>
internal sealed class ProgressWatchdog : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private CancellationTokenSource _tripped = new();
    private int _inFlight;
    private TimeSpan _accumulated;
    private long _since;

    /// <summary>Creates a watchdog that trips after <paramref name="timeout"/> of in-flight time without
    /// progress.</summary>
    public ProgressWatchdog(TimeSpan timeout, TimeProvider time)
    {
        _timeout = timeout;
        _time = time;
        _timer = time.CreateTimer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancelled when the watchdog trips.</summary>
    public CancellationToken Token
    {
        get
        {
            lock (_lock)
            {
                return _tripped.Token;
            }
        }
    }

    /// <summary>Why the run stops, for the <c>error</c> column and the log.</summary>
    public string Reason =>
        $"no answer from the provider for {Seconds(_timeout)} s of waiting for it (requests sent, none "
        + $"answered but with server faults or timeouts; Stance:Resilience:NoProgressTimeout {_timeout:c}): "
        + "it is down or hung";

    /// <summary>A duration in seconds, invariant.</summary>
    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>A run starts (a scheduled process runs many): the wait spent by earlier runs does not count against
    /// it.</summary>
    public void RunStarted()
    {
        lock (_lock)
        {
            ResetIfSpent();
            _accumulated = TimeSpan.Zero;
            if (_inFlight > 0)
            {
                _since = _time.GetTimestamp();
                Arm(_timeout);
            }
        }
    }

    /// <summary>An attempt is being sent.</summary>
    public void AttemptStarted()
    {
        lock (_lock)
        {
            ResetIfSpent();
            if (_inFlight++ == 0)
            {
                _since = _time.GetTimestamp();
                Arm(_timeout - _accumulated);
            }
        }
    }

    /// <summary>An attempt ended; <paramref name="progress"/> when the provider answered in a way that shows it
    /// works.</summary>
    public void AttemptEnded(bool progress)
    {
        lock (_lock)
        {
            _inFlight--;
            if (progress)
            {
                _accumulated = TimeSpan.Zero;
                _since = _time.GetTimestamp();
                Arm(_inFlight > 0 ? _timeout : Timeout.InfiniteTimeSpan);
            }
            else if (_inFlight == 0)
            {
                _accumulated += _time.GetElapsedTime(_since);
                Arm(Timeout.InfiniteTimeSpan);
            }

            ResetIfSpent();
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _tripped.Dispose();
    }

    // Once the run a trip stopped has no attempt left, the next run starts afresh. The spent source is not disposed:
    // its cancellation may still be running its callbacks on another thread.
    private void ResetIfSpent()
    {
        if (_inFlight == 0 && _tripped.IsCancellationRequested)
        {
            _tripped = new CancellationTokenSource();
            _accumulated = TimeSpan.Zero;
        }
    }

    private void Check()
    {
        CancellationTokenSource? trip = null;
        lock (_lock)
        {
            if (_inFlight == 0 || _tripped.IsCancellationRequested)
            {
                return;
            }

            var waited = _accumulated + _time.GetElapsedTime(_since);
            if (waited >= _timeout)
            {
                trip = _tripped;
            }
            else
            {
                Arm(_timeout - waited);
            }
        }

        trip?.Cancel();
    }

    private void Arm(TimeSpan due) =>
        _timer.Change(
            due == Timeout.InfiniteTimeSpan || due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
}

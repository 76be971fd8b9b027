namespace Stance.Scoring.Llm;

/// <summary>Shared by every request of the run: after a 429, no request is sent until the provider's wait is over,
/// so the whole run slows down, not just the request that was refused.</summary>
internal sealed class RateLimitGate(TimeProvider time)
{
    private long _closedUntilTicks;

    /// <summary>Waits until the gate is open.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = new DateTimeOffset(Interlocked.Read(ref _closedUntilTicks), TimeSpan.Zero) - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps the gate closed for at least <paramref name="wait"/> from now.</summary>
    public void Close(TimeSpan wait)
    {
        var until = (time.GetUtcNow() + wait).UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _closedUntilTicks);
            if (current >= until)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _closedUntilTicks, until, current) != current);
    }
}

namespace Stance.Tests.Support;

/// <summary>The system clock moved to another date: real timers and timestamps, so a whole run works as usual, but
/// its run date (and every time it stamps) is <paramref name="start"/>'s.</summary>
internal sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
}

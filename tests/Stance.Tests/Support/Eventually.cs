namespace Stance.Tests.Support;

/// <summary>Polls a condition in real time (for what happens on another thread or in the server), failing after
/// 5 s.</summary>
internal static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails the test when it does not within 5 s.</summary>
    public static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "condition not met within 5 s");
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test when it does not within
    /// <paramref name="limit"/> (for child processes, whose start-up takes seconds on a loaded machine).</summary>
    public static async Task WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), $"condition not met within {limit}");
    }
}

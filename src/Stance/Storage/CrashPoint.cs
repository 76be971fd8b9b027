namespace Stance.Storage;

/// <summary>Lets the crash tests kill the job at an exact step of a commit. When the environment variable
/// <c>STANCE_TEST_HOLD</c> names the point reached (e.g. <c>commit-step:3</c>, <c>before-manifest</c>), the process
/// writes <c>held</c> into the run's state folder (<c>&lt;output&gt;/.stance</c> for a local output) and waits to be
/// killed. Unset (always, outside the tests), it does nothing.</summary>
internal static class CrashPoint
{
    private static readonly string? s_hold = Environment.GetEnvironmentVariable("STANCE_TEST_HOLD");

    /// <summary>Holds here if the tests asked for <paramref name="point"/>.</summary>
    public static void Reached(string point, string stateFolder)
    {
        if (s_hold is null || !string.Equals(s_hold, point, StringComparison.Ordinal))
        {
            return;
        }

        Directory.CreateDirectory(stateFolder);
        File.WriteAllText(Path.Combine(stateFolder, "held"), point);
        Thread.Sleep(Timeout.Infinite);
    }
}

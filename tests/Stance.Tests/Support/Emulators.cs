namespace Stance.Tests.Support;

/// <summary>Where the storage emulators are: Node.js on the PATH and the npm packages that <c>.ci/run</c> installs
/// under <c>tools/emulators</c> (<c>npm ci --prefix tools/emulators</c>).</summary>
internal static class Emulators
{
    /// <summary>The folder holding the emulators' package.json.</summary>
    public static string Folder => Path.Combine(RepoPaths.Root, "tools", "emulators");

    /// <summary>The node executable, or null when there is none on the PATH.</summary>
    public static string? Node { get; } = FindOnPath("node");

    /// <summary>Why an emulator whose entry script is <paramref name="script"/> (relative to
    /// <c>tools/emulators</c>) cannot start here, or null when it can. With <c>STANCE_REQUIRE_EMULATORS=1</c> (set by
    /// <c>.ci/run</c>) a missing emulator is an error, so CI cannot pass by skipping the store tests.</summary>
    public static string? Missing(string script)
    {
        var reason = Why(script);
        if (reason is not null && Environment.GetEnvironmentVariable("STANCE_REQUIRE_EMULATORS") == "1")
        {
            throw new InvalidOperationException($"STANCE_REQUIRE_EMULATORS=1 but {reason}");
        }

        return reason;
    }

    private static string? Why(string script)
    {
        if (Node is null)
        {
            return "Node.js (node) is not on the PATH; .ci/run installs it (apt: nodejs npm)";
        }

        return File.Exists(Path.Combine(Folder, script))
            ? null
            : $"tools/emulators/{script} is absent: run 'npm ci --prefix tools/emulators' (.ci/run does)";
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}

using System.Diagnostics;

namespace Stance.Tests.Deploy;

/// <summary>Runs a program to its end with its output captured, killing it (and failing) when it outlives its
/// timeout.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="program"/> in <paramref name="workingDirectory"/> with the test's environment,
    /// less the job's settings and keys and the variables of the <c>dotnet test</c> that runs the tests, plus
    /// <paramref name="environment"/>; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // MSBuild's variables point a nested build at the test run's own MSBuild; the job's must not leak in.
        var inherited = start.Environment.Keys
            .Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || k.StartsWith("Stance__", StringComparison.OrdinalIgnoreCase)
                || k.EndsWith("OPENAI_API_KEY", StringComparison.Ordinal))
            .ToList();
        foreach (var key in inherited)
        {
            start.Environment.Remove(key);
        }

        // No build server or MSBuild node outlives a build: one would hold the output pipes open after the exit.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"{program} {string.Join(' ', start.ArgumentList)} did not exit within {timeout}:\n" +
                await stdout + await stderr);
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

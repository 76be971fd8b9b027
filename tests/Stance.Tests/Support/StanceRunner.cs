using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Stance.Hosting;

namespace Stance.Tests.Support;

/// <summary>Runs the real host in-process, as <c>dotnet run --project src/Stance -- args</c> would, and captures its
/// log.</summary>
internal static class StanceRunner
{
    /// <summary>Runs one batch; <paramref name="configure"/> may replace services (e.g. the time provider).</summary>
    public static async Task<RunResult> RunAsync(string[] args, Action<IServiceCollection>? configure = null)
    {
        var builder = StanceApp.CreateBuilder(args);
        var logs = new FakeLogCollector();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        configure?.Invoke(builder.Services);
        int exitCode;
        using (var host = builder.Build())
        {
            exitCode = await StanceApp.RunAsync(host);
        }

        // Read once the host is gone, so what it logs while stopping is in too.
        return new RunResult(exitCode, LogLines.Of(logs));
    }

    private static readonly SemaphoreSlim s_console = new(1, 1);

    /// <summary>Runs one batch in-process with standard output captured (the dry-run plan is printed there).</summary>
    public static async Task<ConsoleRunResult> RunWithConsoleAsync(string[] args)
    {
        await s_console.WaitAsync();
        var original = Console.Out;
        using var captured = new StringWriter();
        try
        {
            Console.SetOut(captured);
            var run = await RunAsync(args);
            return new ConsoleRunResult(run.ExitCode, captured.ToString(), run.LogText);
        }
        finally
        {
            Console.SetOut(original);
            s_console.Release();
        }
    }
}

/// <summary>Runs the job as a child process from the repository root, as the README's command does.</summary>
internal static class StanceProcess
{
    /// <summary>Starts the built job with <paramref name="args"/>, standard output redirected (read it, or the pipe
    /// fills), for a test that kills it or runs another beside it.</summary>
    public static System.Diagnostics.Process Start(
        string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(RepoPaths.JobAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return System.Diagnostics.Process.Start(start)!;
    }

    /// <summary>Starts the job, which holds at <c>STANCE_TEST_HOLD</c> (already in <paramref name="environment"/>),
    /// waits until it writes <paramref name="held"/>, then kills it with SIGKILL at that exact step and removes the
    /// marker; fails when the job ends before it gets there.</summary>
    public static async Task KillWhenHeldAsync(
        string[] args, IReadOnlyDictionary<string, string> environment, string held)
    {
        using var job = Start(args, environment);
        var drained = job.StandardOutput.ReadToEndAsync(); // keep the pipe from filling up
        await Eventually.WaitUntil(() => File.Exists(held) || job.HasExited, TimeSpan.FromMinutes(1));
        if (job.HasExited)
        {
            Assert.Fail($"the job ended before it reached {environment["STANCE_TEST_HOLD"]}: {await drained}");
        }

        job.Kill(entireProcessTree: true);
        await job.WaitForExitAsync();
        await drained;
        File.Delete(held);
    }

    /// <summary>Runs the built job with <paramref name="args"/>; returns its exit code and everything it
    /// printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string[] args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(RepoPaths.JobAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var inherited = start.Environment.Keys
            .Where(k => k.StartsWith("Stance__", StringComparison.OrdinalIgnoreCase)
                || k.EndsWith("OPENAI_API_KEY", StringComparison.Ordinal))
            .ToList();
        foreach (var key in inherited)
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            // A hung job must not outlive its test: kill it, and fail with what it printed.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"the job did not exit within {timeout ?? TimeSpan.FromMinutes(2)}:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>The exit code and every log line of one run.</summary>
internal sealed record RunResult(int ExitCode, IReadOnlyCollection<string> Log)
{
    /// <summary>The whole log as one text.</summary>
    public string LogText => string.Join('\n', Log);
}

/// <summary>The exit code, what was printed to standard output, and the log.</summary>
internal sealed record ConsoleRunResult(int ExitCode, string Console, string Log);

/// <summary>The captured log as text lines, one per record, formatted "{level} {category}: {message}" with the
/// exception's text after a space when there is one.</summary>
internal static class LogLines
{
    /// <summary>Every record collected so far, as lines, in the order logged.</summary>
    public static IReadOnlyList<string> Of(FakeLogCollector logs) =>
        logs.GetSnapshot().Select(Format).ToList();

    /// <summary>One record as one line.</summary>
    public static string Format(FakeLogRecord record) =>
        $"{record.Level} {record.Category}: {record.Message}" +
        (record.Exception is null ? string.Empty : " " + record.Exception);
}

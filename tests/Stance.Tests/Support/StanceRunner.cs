using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stance.Hosting;

namespace Stance.Tests.Support;

/// <summary>Runs the real host in-process, as <c>dotnet run --project src/Stance -- args</c> would, and captures its log.</summary>
internal static class StanceRunner
{
    /// <summary>Runs one batch; <paramref name="configure"/> may replace services (e.g. the time provider).</summary>
    public static async Task<RunResult> RunAsync(string[] args, Action<IServiceCollection>? configure = null)
    {
        var builder = StanceApp.CreateBuilder(args);
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        configure?.Invoke(builder.Services);
        using var host = builder.Build();
        var exitCode = await StanceApp.RunAsync(host);
        return new RunResult(exitCode, logs.Lines);
    }
}

/// <summary>The exit code and every log line of one run.</summary>
internal sealed record RunResult(int ExitCode, IReadOnlyCollection<string> Log)
{
    /// <summary>The whole log as one text.</summary>
    public string LogText => string.Join('\n', Log);
}

/// <summary>Keeps every formatted log line (with exceptions) in memory.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    /// <summary>The lines logged so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception)}");
    }
}

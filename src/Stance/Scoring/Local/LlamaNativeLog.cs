using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Stance.Scoring.Local;

/// <summary>Sends llama.cpp's own log, which otherwise goes to the console, to the job's logger: its errors as
/// warnings, everything else at Trace.</summary>
internal static partial class LlamaNativeLog
{
    // Held so the delegate handed to native code is never collected.
    private static NativeLogConfig.LLamaLogCallback? s_callback;

    /// <summary>Routes the native log to <paramref name="logger"/> from now on.</summary>
    public static void RouteTo(ILogger logger)
    {
        s_callback = (level, message) =>
        {
            var line = message.TrimEnd();
            if (level == LLamaLogLevel.Error)
            {
                LogNativeError(logger, line);
            }
            else
            {
                LogNative(logger, line);
            }
        };
        NativeLogConfig.llama_log_set(s_callback);
    }

    [LoggerMessage(EventId = 67, Level = LogLevel.Warning, Message = "llama.cpp: {Message}")]
    private static partial void LogNativeError(ILogger logger, string message);

    [LoggerMessage(EventId = 68, Level = LogLevel.Trace, Message = "llama.cpp: {Message}")]
    private static partial void LogNative(ILogger logger, string message);
}

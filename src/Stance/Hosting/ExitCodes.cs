namespace Stance.Hosting;

/// <summary>The process exit codes; schedulers should treat every code but 0 as a failed night.</summary>
internal static class ExitCodes
{
    /// <summary>Every paragraph of every document was scored.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected error stopped the job; the log has the exception.</summary>
    public const int Crashed = 1;

    /// <summary>The configuration or the prompt folder is invalid; no call was made.</summary>
    public const int ConfigurationError = 2;

    /// <summary>The run finished and wrote its tables, but some paragraphs failed or some documents were skipped.</summary>
    public const int CompletedWithFailures = 3;

    /// <summary>The provider refused the credentials (401/403); unscored paragraphs are written as failed.</summary>
    public const int Aborted = 4;

    /// <summary>Stopped by Ctrl-C or SIGTERM before the tables were written.</summary>
    public const int Cancelled = 130;
}

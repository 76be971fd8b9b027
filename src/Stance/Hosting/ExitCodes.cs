using Stance.Contract;

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

    /// <summary>The run finished and wrote its tables, but some paragraphs failed or some documents were
    /// skipped.</summary>
    public const int CompletedWithFailures = 3;

    /// <summary>The provider refused the credentials (401/403); unscored paragraphs are written as failed.</summary>
    public const int AuthFailed = 4;

    /// <summary>The account's quota is exhausted (429 insufficient_quota); unscored paragraphs are written as
    /// failed.</summary>
    public const int QuotaExhausted = 5;

    /// <summary>The provider is down (circuit breaker open); finished work is kept, the rest written as
    /// failed.</summary>
    public const int ProviderDown = 6;

    /// <summary>The local model could not be found, downloaded, verified or loaded; nothing was scored or
    /// written.</summary>
    public const int ModelUnavailable = 7;

    /// <summary>Writing the tables (or the manifest) failed: disk full, the output folder removed, no permission. No
    /// new call was made after the failure; every answer paid for is in the journal, so the next run does not pay
    /// again.</summary>
    public const int OutputFailed = 8;

    /// <summary>The input held no document (an empty folder, a feed that did not arrive); nothing was
    /// written.</summary>
    public const int NoInput = 9;

    /// <summary>Another run holds the output folder or the journal; this one made no call and wrote nothing.</summary>
    public const int OutputLocked = 10;

    /// <summary>A provider batch failed its validation, or the provider refused a Batch API call; the log quotes the
    /// provider's errors. Nothing was written; the lines of a failed batch are submitted again by the next
    /// run.</summary>
    public const int BatchFailed = 11;

    /// <summary>The next request (or batch request file) would have passed <c>Stance:Budget:MaxCost</c>: no further
    /// paid call was made; the finished work is kept and the tables are written, the paragraphs not answered are
    /// failed rows of kind <c>budget</c>.</summary>
    public const int BudgetExceeded = 12;

    /// <summary>The exit code of a run that wrote its tables.</summary>
    public static int For(string? abortKind, bool allOk) => abortKind switch
    {
        FailureKind.Auth => AuthFailed,
        FailureKind.Quota => QuotaExhausted,
        FailureKind.ProviderDown => ProviderDown,
        FailureKind.Budget => BudgetExceeded,
        _ => allOk ? Ok : CompletedWithFailures,
    };

    /// <summary>Stopped by Ctrl-C or SIGTERM before the tables were written.</summary>
    public const int Cancelled = 130;
}

namespace Stance.Hosting;

/// <summary>Carries the exit code from the worker to <c>Main</c>.</summary>
internal sealed class RunOutcome
{
    /// <summary>The code the process exits with.</summary>
    public int ExitCode { get; set; } = ExitCodes.Crashed;
}

/// <summary>The totals of one run, logged at the end.</summary>
internal sealed record RunSummary(
    string RunId,
    int Documents,
    int BadDocuments,
    int Paragraphs,
    int Ok,
    int Failed,
    long InputTokens,
    long OutputTokens,
    TimeSpan Duration,
    IReadOnlyList<string> Files,
    int ExitCode);

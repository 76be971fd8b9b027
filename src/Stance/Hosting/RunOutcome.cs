namespace Stance.Hosting;

/// <summary>Carries the exit code from the worker to <c>Main</c>.</summary>
internal sealed class RunOutcome
{
    /// <summary>The code the process exits with.</summary>
    public int ExitCode { get; set; } = ExitCodes.Crashed;
}

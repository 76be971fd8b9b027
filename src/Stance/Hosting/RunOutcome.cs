namespace Stance.Hosting;

/// <summary>Carries the exit code from the worker to <c>Main</c>.</summary>
internal sealed class RunOutcome
{
    /// <summary>The code the process exits with.</summary>
    public int ExitCode { get; set; } = ExitCodes.Crashed;
}

/// <summary>The outcome of one run: its id, its manifest and the exit code.</summary>
internal sealed record RunSummary(string RunId, Output.RunManifest Manifest, int ExitCode);

namespace Stance.Hosting;

/// <summary>The outcome of one run: its id, its manifest and the exit code.</summary>
internal sealed record RunSummary(string RunId, Output.RunManifest? Manifest, int ExitCode);

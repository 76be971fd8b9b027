namespace Stance.Scoring;

/// <summary>Thrown by a scorer when no further paragraph can succeed (bad key, no permission); the run stops.</summary>
internal sealed class RunAbortedException(string reason, Exception? inner = null) : Exception(reason, inner);

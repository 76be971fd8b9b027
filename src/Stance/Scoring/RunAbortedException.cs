namespace Stance.Scoring;

/// <summary>Thrown by a scorer when no further paragraph can succeed (bad key, exhausted quota, provider
/// down).</summary>
/// <param name="kind">A <see cref="FailureKind"/> value: auth, quota or provider_down.</param>
internal sealed class RunAbortedException(string kind, string reason, Exception? inner = null)
    : Exception(reason, inner)
{
    /// <summary>Why the run stopped, as a <see cref="FailureKind"/> value.</summary>
    public string Kind { get; } = kind;
}

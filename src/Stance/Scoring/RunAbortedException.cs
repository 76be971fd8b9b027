using Stance.Contract;

namespace Stance.Scoring;

/// <summary>Thrown by a scorer when no further paragraph can succeed (bad key, exhausted quota, provider
/// down), or when no further request may be paid for (the budget).</summary>
/// <param name="kind">A <see cref="FailureKind"/> value: auth, quota, provider_down or budget.</param>
internal sealed class RunAbortedException(string kind, string reason, Exception? inner = null)
    : Exception(reason, inner)
{
    /// <summary>Why the run stopped, as a <see cref="FailureKind"/> value.</summary>
    public string Kind { get; } = kind;

    /// <summary>The outcome of the paragraph whose request was stopped, with what its earlier asks cost; null when
    /// the paragraph's row is the run's usual one for the paragraphs it did not score.</summary>
    public ScoreOutcome? Outcome { get; init; }
}

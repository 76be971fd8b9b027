namespace Stance.Evaluation.Comparison;

/// <summary>F_avg of one target for both prompts and B − A, each with its bootstrap interval from the same
/// resamples.</summary>
/// <param name="Target">The target (or <see cref="AllItems"/> for the whole gold set).</param>
/// <param name="Count">The target's gold items.</param>
/// <param name="A">F_avg with prompt A.</param>
/// <param name="B">F_avg with prompt B.</param>
/// <param name="Delta">B − A.</param>
internal sealed record TargetDelta(string Target, int Count, Estimate A, Estimate B, Estimate Delta)
{
    /// <summary>The name of the group of all items (<see cref="PromptComparison.Overall"/>).</summary>
    public const string AllItems = "all items";
}

namespace Stance.Evaluation.Comparison;

/// <summary>One gold item with the predictions of both prompts (labels <c>favor</c> | <c>against</c> |
/// <c>none</c>).</summary>
/// <param name="Id">The gold item's id.</param>
/// <param name="Target">The target the stance is toward.</param>
/// <param name="Text">The item's text.</param>
/// <param name="Gold">The gold label.</param>
/// <param name="A">The label predicted with prompt A (the configured prompt).</param>
/// <param name="B">The label predicted with prompt B (the compared prompt).</param>
internal sealed record ComparedItem(string Id, string Target, string Text, string Gold, string A, string B)
{
    /// <summary>True when A's label is the gold label (labels compared as <see cref="EvalScores.Index"/> reads them,
    /// so the correctness agrees with the accuracy).</summary>
    public bool ACorrect => Same(A, Gold);

    /// <summary>True when B's label is the gold label.</summary>
    public bool BCorrect => Same(B, Gold);

    /// <summary>True when the two prompts predicted different labels.</summary>
    public bool Changed => !Same(A, B);

    private static bool Same(string x, string y) => EvalScores.Index(x) == EvalScores.Index(y);
}

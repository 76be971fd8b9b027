using Stance.Contract;

namespace Stance.Prompts;

/// <summary>The outcome of validating one answer.</summary>
internal sealed record AnswerCheck(StanceAnswer? Answer, string? Reason)
{
    /// <summary>An accepted answer.</summary>
    public static AnswerCheck Accept(StanceAnswer answer) => new(answer, null);

    /// <summary>A rejected answer and why.</summary>
    public static AnswerCheck Reject(string reason) => new(null, reason);
}

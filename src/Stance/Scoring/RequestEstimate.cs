namespace Stance.Scoring;

/// <summary>What one request may use before it is sent: the rendered prompt's estimated tokens and the answer's
/// bound (its max tokens).</summary>
internal readonly record struct RequestEstimate(int PromptTokens, int AnswerTokens)
{
    /// <summary>Both together, as the pacer counts them.</summary>
    public int Tokens => PromptTokens + AnswerTokens;
}

namespace Stance.Scoring.Local;

/// <summary>One generation: the text, the tokens in and out, <c>stop</c> or <c>length</c>, and how many prompt tokens
/// the context still held from the previous call.</summary>
internal sealed record LocalGeneration(
    string Text,
    int InputTokens,
    int OutputTokens,
    string FinishReason,
    int ReusedTokens = 0);

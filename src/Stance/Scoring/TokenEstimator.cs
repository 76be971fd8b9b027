using Stance.Paragraphs;
using Stance.Prompts;

namespace Stance.Scoring;

/// <summary>Estimates a request's tokens from the characters of the rendered prompt (about four a token in English),
/// as the pacer and the dry run need them before a tokenizer-exact count exists.</summary>
internal sealed class TokenEstimator(StancePrompt prompt)
{
    /// <summary>Characters per token.</summary>
    public const double CharsPerToken = 4.0;

    private readonly int _fixedChars = prompt.Config.Template!.Length + prompt.Targets.ToPromptText().Length;

    /// <summary>The prompt tokens of the request for <paramref name="paragraph"/>.</summary>
    public int PromptTokens(Paragraph paragraph) =>
        (int)Math.Ceiling(
            (_fixedChars
                + paragraph.Text.Length
                + (paragraph.DocumentTitle?.Length ?? 0)
                + (paragraph.Previous?.Length ?? 0))
            / CharsPerToken);
}

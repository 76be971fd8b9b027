namespace Stance.Prompts;

/// <summary>One worked example of <c>examples.jsonl</c>: a paragraph (with its optional title and previous
/// paragraph) and the answer the model should give, sent before the real paragraph as a user/assistant pair.</summary>
/// <param name="Line">The example's line number in the file (1-based).</param>
/// <param name="Paragraph">The example paragraph.</param>
/// <param name="Title">The example document's title, or empty.</param>
/// <param name="Previous">The example's previous paragraph, or empty.</param>
/// <param name="Answer">The answer object, serialized compactly as the assistant's message.</param>
internal sealed record PromptExample(int Line, string Paragraph, string Title, string Previous, string Answer);

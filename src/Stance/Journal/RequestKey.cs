using Stance.Paragraphs;

namespace Stance.Journal;

/// <summary>The key of one request's answer, for the result cache and for asking a request once per run. It covers
/// everything the request depends on: the paragraph's text, its document title and previous paragraph (the context
/// the prompt sends), a focus target added to the watched ones, the prompt folder (template, settings and the
/// watched targets), the provider and the model. Identical wire requests share one answer; different contexts do
/// not.</summary>
internal static class RequestKey
{
    /// <summary>The key of <paramref name="paragraph"/>'s request under the given prompt, provider and model.</summary>
    public static string For(Paragraph paragraph, string promptSha256, string provider, string model) =>
        ParagraphSplitter.Sha256Hex(string.Join(
            '\n',
            "v2",
            paragraph.TextSha256,
            Field(paragraph.DocumentTitle),
            Field(paragraph.Previous),
            Field(paragraph.FocusTarget),
            promptSha256,
            provider,
            model));

    // Length-prefixed, so that no two different field sequences give the same string.
    private static string Field(string? value) => value is null ? "-" : $"{value.Length}:{value}";
}

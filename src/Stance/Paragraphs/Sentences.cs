using System.Text.RegularExpressions;

namespace Stance.Paragraphs;

/// <summary>Splits a paragraph into sentences.</summary>
internal static partial class Sentences
{
    /// <summary>Sentence spans; a full stop after an initialism ("U.S.") or a title ("Mr.") does not end a
    /// sentence.</summary>
    public static IEnumerable<(int Start, int Length)> Split(string text)
    {
        var start = 0;
        foreach (Match end in SentenceEnd().Matches(text))
        {
            var before = text[start..end.Index];
            if (Abbreviation().IsMatch(before))
            {
                continue;
            }

            yield return (start, end.Index + end.Length - start);
            start = end.Index + end.Length;
        }

        if (start < text.Length)
        {
            yield return (start, text.Length - start);
        }
    }

    [GeneratedRegex(@"[.!?…։]+[""”’»)]*(?=\s+|$)")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"(?:\b(?:[A-Z]\.)+[A-Z]?|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Sen|Rep|No|vs|etc|e\.g|i\.e))$")]
    private static partial Regex Abbreviation();
}

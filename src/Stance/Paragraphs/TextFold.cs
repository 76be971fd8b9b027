using System.Globalization;
using System.Text;

namespace Stance.Paragraphs;

/// <summary>Folds text for comparison: canonical composition (NFC), every white space (non-breaking and thin ones
/// included) as one space, curly and angle quotes as straight ones, dashes as <c>-</c>, soft hyphens and zero-width
/// characters dropped, and optionally lower case. Each folded character keeps the span of the original it came from,
/// so a match in the folded text maps back to the original's own characters.</summary>
/// <remarks>The job runs with <c>InvariantGlobalization</c>, where <see cref="string.Normalize()"/> does not
/// compose; the composition pairs are a table generated from the Unicode Character Database
/// (TextFold.Composition.g.cs).</remarks>
internal static partial class TextFold
{
    private static readonly Dictionary<int, char> s_pairs = BuildPairs();
    private static readonly Dictionary<char, char> s_singletons = BuildSingletons();

    /// <summary>Folds <paramref name="text"/>; leading and trailing white space is dropped.</summary>
    public static FoldedText Fold(string text, bool ignoreCase)
    {
        var builder = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length);
        var ends = new List<int>(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var c = text[i++];
            if (IsIgnorable(c))
            {
                continue;
            }

            c = s_singletons.GetValueOrDefault(c, c);
            while (i < text.Length && IsMark(text[i]) && s_pairs.TryGetValue((c << 16) | text[i], out var composed))
            {
                c = composed;
                i++;
            }

            c = Fold(c, ignoreCase);
            if (c == ' ' && (builder.Length == 0 || builder[^1] == ' '))
            {
                continue;
            }

            builder.Append(c);
            starts.Add(start);
            ends.Add(i);
        }

        if (builder.Length > 0 && builder[^1] == ' ')
        {
            builder.Length--;
            starts.RemoveAt(starts.Count - 1);
            ends.RemoveAt(ends.Count - 1);
        }

        return new FoldedText(builder.ToString(), [.. starts], [.. ends]);
    }

    /// <summary><paramref name="text"/> folded with case kept: the text itself when it is folded already (no
    /// copy), else <see cref="Fold"/>'s text.</summary>
    public static string FoldCaseKept(string text) =>
        IsFoldedAlready(text) ? text : Fold(text, ignoreCase: false).Text;

    /// <summary>True when folding (case kept) leaves <paramref name="text"/> as it is: printable ASCII, single
    /// spaces.</summary>
    public static bool IsFoldedAlready(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is < ' ' or > '~' or '`' || (c == ' ' && (i == 0 || i == text.Length - 1 || text[i - 1] == ' ')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A combining mark: it belongs to the letter before it.</summary>
    public static bool IsMark(char c) => CharUnicodeInfo.GetUnicodeCategory(c)
        is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>Soft hyphen and the zero-width characters: invisible, so ignored in every comparison.</summary>
    public static bool IsIgnorable(char c) => c is '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF';

    private static char Fold(char c, bool ignoreCase) => c switch
    {
        '“' or '”' or '„' or '‟' or '«' or '»' or '″' or '〝' or '〞' or '＂' => '"',
        '‘' or '’' or '‚' or '‛' or '‹' or '›' or '`' or '´' or '′' or '＇' => '\'',
        '‐' or '‑' or '‒' or '–' or '—' or '―' or '−' => '-',
        _ when char.IsWhiteSpace(c) => ' ',
        _ => ignoreCase ? char.ToLowerInvariant(c) : c,
    };

    private static Dictionary<int, char> BuildPairs()
    {
        var pairs = new Dictionary<int, char>(CompositionPairs.Length / 3);
        for (var i = 0; i < CompositionPairs.Length; i += 3)
        {
            pairs[(CompositionPairs[i] << 16) | CompositionPairs[i + 1]] = CompositionPairs[i + 2];
        }

        return pairs;
    }

    private static Dictionary<char, char> BuildSingletons()
    {
        var singletons = new Dictionary<char, char>(Singletons.Length / 2);
        for (var i = 0; i < Singletons.Length; i += 2)
        {
            singletons[Singletons[i]] = Singletons[i + 1];
        }

        return singletons;
    }
}

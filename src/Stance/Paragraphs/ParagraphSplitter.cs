using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Stance.Documents;

namespace Stance.Paragraphs;

/// <summary>Splits a document into blank-line separated paragraphs and finds its title.</summary>
internal static partial class ParagraphSplitter
{
    /// <summary>Returns the document's title (the file's, or the one found in the body), its paragraphs, and the blocks
    /// that were skipped because they hold no letter or digit (separators such as <c>* * *</c>), with the
    /// reason.</summary>
    public static SplitDocument Split(SourceDocument document)
    {
        var blocks = BlankLines().Split(document.Text)
            .Select(block => block.Trim())
            .Where(block => block.Length > 0)
            .ToList();

        var title = document.Title;
        if (blocks.Count > 0 && title is null)
        {
            title = document.Format switch
            {
                DocumentFormat.PlainText when blocks.Count > 1 && !blocks[0].Contains('\n', StringComparison.Ordinal)
                    => Take(blocks),
                DocumentFormat.Markdown when blocks[0].StartsWith("# ", StringComparison.Ordinal)
                    && !blocks[0].Contains('\n', StringComparison.Ordinal)
                    => Take(blocks)[2..].Trim(),
                _ => null,
            };
        }

        var paragraphs = new List<Paragraph>();
        var skipped = new List<string>();
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        string? previous = null;
        foreach (var block in blocks)
        {
            var text = Collapse(document.Format == DocumentFormat.Markdown ? WithoutHeadings(block) : block);
            if (text.Length == 0)
            {
                continue;
            }

            if (!text.Any(char.IsLetterOrDigit))
            {
                skipped.Add(
                    "a block with no letter or digit was skipped: " +
                    $"'{(text.Length > 40 ? text[..40] + "…" : text)}'");
                continue;
            }

            var textSha = Sha256Hex(text);
            occurrences[textSha] = occurrences.GetValueOrDefault(textSha) + 1;
            var id = Sha256Hex($"{document.Id}\n{textSha}\n{occurrences[textSha]}")[..24];
            paragraphs.Add(new Paragraph(document.Id, title, document.SourcePath, paragraphs.Count, id, textSha, text,
                previous, Source: document.Source, PublishedAt: document.PublishedAt, DocumentMeta: document.Meta));
            previous = text;
        }

        return new SplitDocument(title, paragraphs, skipped);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Take(List<string> blocks)
    {
        var first = blocks[0];
        blocks.RemoveAt(0);
        return first.Trim();
    }

    private static string WithoutHeadings(string block) =>
        string.Join('\n', block.Split('\n').Where(line => !MarkdownHeading().IsMatch(line)));

    private static string Collapse(string block) => LineBreak().Replace(block, " ").Trim();

    [GeneratedRegex(@"\n[^\S\n]*\n(?:[^\S\n]*\n)*")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"[^\S\n]*\n[^\S\n]*")]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"^\s{0,3}#{1,6}(\s|$)")]
    private static partial Regex MarkdownHeading();
}

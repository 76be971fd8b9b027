using System.Text;
using System.Text.Json;

namespace Stance.Documents;

/// <summary>Reads every <c>.txt</c>, <c>.md</c> and <c>.jsonl</c> file below a folder, in a stable order.</summary>
internal static class DocumentReader
{
    /// <summary>Folders with this name hold evaluation files (gold labels), not commentaries: they are not read as input.</summary>
    public const string GoldFolder = "gold";

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the folder; good documents and problems are both returned, in path order.</summary>
    public static DocumentBatch Read(string inputFolder)
    {
        var items = Stream(inputFolder).ToList();
        return new DocumentBatch(
            [.. items.Where(i => i.Document is not null).Select(i => i.Document!)],
            [.. items.Where(i => i.Problem is not null).Select(i => i.Problem!)]);
    }

    /// <summary>Reads the folder lazily, one file at a time, in path order: each item is a document or a problem.</summary>
    public static IEnumerable<ReadItem> Stream(string inputFolder)
    {
        var seenIds = new HashSet<string>(StringComparer.Ordinal);

        var files = Directory.EnumerateFiles(inputFolder, "*", SearchOption.AllDirectories)
            .Select(path => (Full: path, Relative: Path.GetRelativePath(inputFolder, path).Replace('\\', '/')))
            .Where(f => !f.Relative.Split('/').SkipLast(1).Any(part => part.StartsWith('.') || part == GoldFolder) && !Path.GetFileName(f.Relative).StartsWith('.'))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);

        foreach (var (full, relative) in files)
        {
            if (!IsSupported(relative))
            {
                yield return new ReadItem(null, new DocumentProblem(relative, $"unsupported file type '{Path.GetExtension(relative)}' (read: .txt, .md, .jsonl); skipped"));
                continue;
            }

            foreach (var item in ReadFile(full, relative))
            {
                yield return item.Document is { } document && !seenIds.Add(document.Id)
                    ? new ReadItem(null, new DocumentProblem(relative, $"duplicate document id '{document.Id}'; the first one is kept"))
                    : item;
            }
        }
    }

    private static bool IsSupported(string relativePath)
    {
        var extension = Path.GetExtension(relativePath);
        return extension.Equals(".txt", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".md", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<ReadItem> ReadFile(string fullPath, string relativePath)
    {
        string text;
        try
        {
            text = Decode(File.ReadAllBytes(fullPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DecoderFallbackException or InvalidDataException)
        {
            return [new ReadItem(null, new DocumentProblem(relativePath, ex is DecoderFallbackException ? "not valid UTF-8" : ex.Message))];
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return [new ReadItem(null, new DocumentProblem(relativePath, "the file is empty"))];
        }

        if (Path.GetExtension(relativePath).Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return ReadJsonLines(relativePath, text);
        }

        var format = Path.GetExtension(relativePath).Equals(".md", StringComparison.OrdinalIgnoreCase)
            ? DocumentFormat.Markdown
            : DocumentFormat.PlainText;
        return [new ReadItem(new SourceDocument(relativePath, relativePath, null, text, format), null)];
    }

    /// <summary>Decodes strict UTF-8 (BOM optional) and normalises CRLF and CR to LF.</summary>
    internal static string Decode(byte[] bytes)
    {
        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            throw new InvalidDataException("binary file (contains NUL bytes)");
        }

        var span = bytes.AsSpan();
        if (span.StartsWith(Encoding.UTF8.Preamble))
        {
            span = span[Encoding.UTF8.Preamble.Length..];
        }

        return s_strictUtf8.GetString(span).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
    }

    private static IEnumerable<ReadItem> ReadJsonLines(string relativePath, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var where = $"{relativePath}#{i + 1}";
            yield return JsonRecord.TryParse(line, out var record, out var reason)
                ? new ReadItem(new SourceDocument(record.Id ?? where, relativePath, record.Title, record.Text, DocumentFormat.JsonRecord), null)
                : new ReadItem(null, new DocumentProblem(where, reason));
        }
    }


    private sealed record JsonRecord(string? Id, string? Title, string Text)
    {
        public static bool TryParse(string line, out JsonRecord record, out string reason)
        {
            record = null!;
            try
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                {
                    reason = "the line is not a JSON object";
                    return false;
                }

                var text = Read(json.RootElement, "text");
                if (string.IsNullOrWhiteSpace(text))
                {
                    reason = "the line has no non-empty \"text\"";
                    return false;
                }

                record = new JsonRecord(Read(json.RootElement, "id"), Read(json.RootElement, "title"), text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'));
                reason = string.Empty;
                return true;
            }
            catch (JsonException ex)
            {
                reason = $"the line is not JSON ({ex.Message})";
                return false;
            }
        }

        private static string? Read(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            } : null;
    }
}

/// <summary>What one read of the input folder found.</summary>
internal sealed record DocumentBatch(IReadOnlyList<SourceDocument> Documents, IReadOnlyList<DocumentProblem> Problems);

/// <summary>One item of a folder read: a document, or a file or record that could not be used.</summary>
internal sealed record ReadItem(SourceDocument? Document, DocumentProblem? Problem);

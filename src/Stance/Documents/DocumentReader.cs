using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Stance.Documents;

/// <summary>Reads every <c>.txt</c>, <c>.md</c> and <c>.jsonl</c> file below a folder, in a stable order.</summary>
/// <remarks>A JSONL file is streamed line by line (one line held at a time); a <c>.txt</c> / <c>.md</c> file is one
/// document, read whole when it is at most <see cref="ReadOptions.MaxDocumentBytes"/>. What is walked and skipped:
/// <see cref="InputWalk"/>.</remarks>
internal static class DocumentReader
{
    /// <summary>Folders with this name hold evaluation files (gold labels), not commentaries: they are not read as
    /// input.</summary>
    public const string GoldFolder = "gold";

    private static readonly UTF8Encoding s_strictUtf8 =
        new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the folder; good documents and problems are both returned, in path order.</summary>
    public static DocumentBatch Read(string inputFolder, ReadOptions? options = null)
    {
        var items = Stream(inputFolder, options).ToList();
        return new DocumentBatch(
            [.. items.Where(i => i.Document is not null).Select(i => i.Document!)],
            [.. items.Where(i => i.Problem is not null).Select(i => i.Problem!)]);
    }

    /// <summary>Reads the folder lazily, one file (one JSONL line) at a time, in path order: each item is a document or
    /// a problem.</summary>
    public static IEnumerable<ReadItem> Stream(string inputFolder, ReadOptions? options = null)
    {
        options ??= ReadOptions.Default;
        var seenIds = new IdFingerprints();
        foreach (var entry in InputWalk.List(inputFolder, options))
        {
            if (entry.Problem is { } skipped)
            {
                yield return new ReadItem(null, new DocumentProblem(entry.Relative, skipped));
                continue;
            }

            var relative = entry.Relative;
            if (!IsSupported(relative))
            {
                yield return new ReadItem(null, new DocumentProblem(relative,
                    $"unsupported file type '{Path.GetExtension(relative)}' (read: .txt, .md, .jsonl); skipped"));
                continue;
            }

            foreach (var item in ReadFile(entry.FullPath, relative, options.MaxDocumentBytes))
            {
                yield return item.Document is { } document && !seenIds.Add(document.Id)
                    ? new ReadItem(
                        null,
                        new DocumentProblem(relative, $"duplicate document id '{document.Id}'; the first one is kept"))
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

    private static IEnumerable<ReadItem> ReadFile(string fullPath, string relativePath, long maxBytes)
    {
        FileStream? stream = null;
        string? error = null;
        try
        {
            stream = File.OpenRead(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
        }

        if (stream is null)
        {
            return [Problem(relativePath, error!)];
        }

        if (Path.GetExtension(relativePath).Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return ReadOwned(stream, relativePath, maxBytes);
        }

        using (stream)
        {
            return [ReadWhole(stream, relativePath, maxBytes)];
        }
    }

    private static IEnumerable<ReadItem> ReadOwned(FileStream stream, string relativePath, long maxBytes)
    {
        using (stream)
        {
            foreach (var item in ReadJsonLines(stream, relativePath, maxBytes))
            {
                yield return item;
            }
        }
    }

    private static ReadItem ReadWhole(FileStream stream, string relativePath, long maxBytes)
    {
        string text;
        try
        {
            if (stream.Length > maxBytes)
            {
                return Problem(relativePath, $"the file is {ReadOptions.Size(stream.Length)}, above the " +
                    $"{ReadOptions.Size(maxBytes)} limit for one document (Stance:MaxDocumentBytes); skipped");
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            text = Decode(bytes);
        }
        catch (Exception ex)
            when (ex is IOException or UnauthorizedAccessException or DecoderFallbackException or InvalidDataException)
        {
            return Problem(relativePath, ex is DecoderFallbackException ? "not valid UTF-8" : ex.Message);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return Problem(relativePath, "the file is empty");
        }

        if (!DocumentMetadata.TryReadFrontMatter(text, out var metadata, out var body, out var reason))
        {
            return Problem(relativePath, reason);
        }

        var format = Path.GetExtension(relativePath).Equals(".md", StringComparison.OrdinalIgnoreCase)
            ? DocumentFormat.Markdown
            : DocumentFormat.PlainText;
        return new ReadItem(new SourceDocument(relativePath, relativePath, metadata.Title, body, format,
            metadata.Source, metadata.PublishedAt, metadata.Json), null);
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

        return Lf(s_strictUtf8.GetString(span));
    }

    /// <summary>Reads a JSONL stream one line at a time: each non-blank line is a document or a problem
    /// (<c>file#line</c>). Only the current line is held, so a feed of any size reads in constant memory.</summary>
    internal static IEnumerable<ReadItem> ReadJsonLines(Stream stream, string relativePath, long maxLineBytes)
    {
        var reader = new JsonLineReader(stream, maxLineBytes);
        var any = false;
        while (true)
        {
            ReadOnlyMemory<byte> line;
            long length;
            string? error = null;
            bool more;
            try
            {
                more = reader.Next(out line, out length);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                (more, line, length, error) = (false, default, 0, ex.Message);
            }

            if (error is not null)
            {
                yield return Problem(relativePath, $"reading stopped at line {reader.LineNumber + 1}: {error}");
                yield break;
            }

            if (!more)
            {
                break;
            }

            var where = $"{relativePath}#{reader.LineNumber}";
            if (length > maxLineBytes)
            {
                any = true;
                yield return Problem(where, $"the line is {ReadOptions.Size(length)}, above the " +
                    $"{ReadOptions.Size(maxLineBytes)} limit for one document (Stance:MaxDocumentBytes); skipped");
                continue;
            }

            var span = line.Span;
            if (span.Trim(" \t\f\v"u8).Length == 0)
            {
                continue;
            }

            if (span.Contains((byte)0))
            {
                yield return Problem(any ? where : relativePath, "binary file (contains NUL bytes)");
                if (!any)
                {
                    yield break;
                }

                continue;
            }

            any = true;
            yield return ReadLine(line, relativePath, where);
        }

        if (!any)
        {
            yield return Problem(relativePath, "the file is empty");
        }
    }

    private static ReadItem ReadLine(ReadOnlyMemory<byte> line, string relativePath, string where)
    {
        if (!Utf8.IsValid(line.Span))
        {
            return Problem(where, "not valid UTF-8");
        }

        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Problem(where, "the line is not a JSON object");
            }

            var text = DocumentMetadata.Text(root, "text");
            if (string.IsNullOrWhiteSpace(text))
            {
                return Problem(where, "the line has no non-empty \"text\"");
            }

            if (!DocumentMetadata.TryRead(root, out var metadata, out var reason))
            {
                return Problem(where, reason);
            }

            var id = DocumentMetadata.Text(root, "id") ?? where;
            return new ReadItem(new SourceDocument(id, relativePath, metadata.Title, Lf(text),
                DocumentFormat.JsonRecord, metadata.Source, metadata.PublishedAt, metadata.Json), null);
        }
        catch (JsonException ex)
        {
            return Problem(where, $"the line is not JSON ({ex.Message})");
        }
    }

    private static string Lf(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private static ReadItem Problem(string where, string reason) => new(null, new DocumentProblem(where, reason));
}

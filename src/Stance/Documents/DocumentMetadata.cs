using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Stance.Documents;

/// <summary>What a document says about itself: from a JSONL line's fields, or a YAML front-matter block at the top of a
/// <c>.md</c> / <c>.txt</c> file.</summary>
/// <param name="Title">The <c>title</c>, or null.</param>
/// <param name="Source">The <c>source</c> (outlet), or null.</param>
/// <param name="PublishedAt">The <c>published_at</c> in UTC, truncated to microseconds, or null.</param>
/// <param name="Json">Every other field as a JSON object, or null when there is none.</param>
internal sealed partial record DocumentMetadata(string? Title, string? Source, DateTime? PublishedAt, string? Json)
{
    /// <summary>No metadata.</summary>
    public static DocumentMetadata None { get; } = new(null, null, null, null);

    /// <summary>The fields read into their own columns; every other field goes to <see cref="Json"/>.</summary>
    internal static readonly string[] Typed = ["id", "title", "text", "source", "published_at"];

    /// <summary>Writes <c>document_meta</c> JSON: non-ASCII letters kept readable.</summary>
    internal static readonly JsonWriterOptions JsonOptions =
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses <c>published_at</c>: an ISO 8601 date (midnight UTC) or a date-time with a UTC offset
    /// (<c>Z</c> or <c>±hh:mm</c>); fractions beyond microseconds are cut.</summary>
    public static bool TryParsePublishedAt(string value, out DateTime utc, out string reason)
    {
        utc = default;
        value = value.Trim();
        var match = IsoDateTime().Match(value);
        if (!match.Success)
        {
            reason = $"published_at '{Shorten(value)}' is not an ISO 8601 date or date-time with a UTC offset " +
                "(e.g. 2026-11-29, 2026-11-29T08:30:00Z or 2026-11-29T08:30:00+04:00)";
            return false;
        }

        if (!match.Groups["time"].Success)
        {
            if (!DateOnly.TryParseExact(
                value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                reason = $"published_at '{Shorten(value)}' is not a calendar date";
                return false;
            }

            utc = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            reason = string.Empty;
            return true;
        }

        if (!match.Groups["offset"].Success)
        {
            reason = $"published_at '{Shorten(value)}' has a time but no UTC offset; add Z or ±hh:mm";
            return false;
        }

        var normalised = value.Replace(' ', 'T').Replace('z', 'Z').Replace('t', 'T');
        if (!DateTimeOffset.TryParse(normalised, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            reason = $"published_at '{Shorten(value)}' is not a valid date-time";
            return false;
        }

        var ticks = parsed.UtcDateTime.Ticks;
        utc = new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
        reason = string.Empty;
        return true;
    }

    /// <summary>Reads a YAML front-matter block (<c>---</c> as the first line … <c>---</c> or <c>...</c>) of
    /// simple <c>key: value</c> lines (values plain, <c>"double"</c> or <c>'single'</c> quoted; <c>#</c> comment
    /// lines and blank lines skipped). A text that does not start with <c>---</c> has no front matter and is returned
    /// whole.</summary>
    public static bool TryReadFrontMatter(
        string text, out DocumentMetadata metadata, out string body, out string reason)
    {
        metadata = None;
        body = text;
        reason = string.Empty;
        var firstEnd = text.IndexOf('\n', StringComparison.Ordinal);
        if (!(firstEnd < 0 ? text : text[..firstEnd]).TrimEnd().Equals("---", StringComparison.Ordinal))
        {
            return true;
        }

        var fields = new List<(string Key, string? Value)>();
        var position = firstEnd < 0 ? text.Length : firstEnd + 1;
        for (var number = 2; position < text.Length; number++)
        {
            var end = text.IndexOf('\n', position);
            var line = (end < 0 ? text[position..] : text[position..end]).TrimEnd();
            position = end < 0 ? text.Length : end + 1;
            if (line is "---" or "...")
            {
                body = text[position..];
                return TryBuild(fields, out metadata, out reason);
            }

            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || char.IsWhiteSpace(line[0]))
            {
                reason = $"front matter line {number} is not 'key: value': '{Shorten(line)}'";
                return false;
            }

            if (!TryUnquote(line[(colon + 1)..].Trim(), out var value))
            {
                reason = $"front matter line {number} has an unclosed quote: '{Shorten(line)}'";
                return false;
            }

            fields.Add((line[..colon].Trim(), value));
        }

        reason = "the front matter that starts with '---' on the first line has no closing '---' line";
        return false;
    }

    /// <summary>Reads a JSONL record's metadata fields (<c>title</c>, <c>source</c>, <c>published_at</c>, the
    /// rest).</summary>
    public static bool TryRead(JsonElement record, out DocumentMetadata metadata, out string reason)
    {
        metadata = None;
        reason = string.Empty;
        DateTime? publishedAt = null;
        if (record.TryGetProperty("published_at", out var published) && published.ValueKind != JsonValueKind.Null)
        {
            if (published.ValueKind != JsonValueKind.String)
            {
                reason = "published_at must be a string (an ISO 8601 date or date-time with offset), " +
                    $"not {published.ValueKind}";
                return false;
            }

            if (published.GetString() is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text))
            {
                if (!TryParsePublishedAt(text, out var utc, out reason))
                {
                    return false;
                }

                publishedAt = utc;
            }
        }

        string? json = null;
        var others = record.EnumerateObject().Where(p => !Typed.Contains(p.Name, StringComparer.Ordinal)).ToList();
        if (others.Count > 0)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
            {
                writer.WriteStartObject();
                foreach (var property in others.DistinctBy(p => p.Name))
                {
                    property.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            json = Encoding.UTF8.GetString(buffer.ToArray());
        }

        metadata = new DocumentMetadata(Text(record, "title"), Text(record, "source"), publishedAt, json);
        return true;
    }

    /// <summary>A string or number field's text, else null.</summary>
    internal static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static bool TryBuild(
        List<(string Key, string? Value)> fields, out DocumentMetadata metadata, out string reason)
    {
        metadata = None;
        reason = string.Empty;
        DateTime? publishedAt = null;
        string? title = null, source = null;
        using var buffer = new MemoryStream();
        var others = 0;
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in fields.DistinctBy(f => f.Key))
            {
                switch (key)
                {
                    case "title":
                        title = value;
                        break;
                    case "source":
                        source = value;
                        break;
                    case "published_at" when value is not null:
                        if (!TryParsePublishedAt(value, out var utc, out reason))
                        {
                            return false;
                        }

                        publishedAt = utc;
                        break;
                    case "published_at":
                        break;
                    default:
                        writer.WriteString(key, value);
                        others++;
                        break;
                }
            }

            writer.WriteEndObject();
        }

        var json = others > 0 ? Encoding.UTF8.GetString(buffer.ToArray()) : null;
        metadata = new DocumentMetadata(title, source, publishedAt, json);
        return true;
    }

    private static bool TryUnquote(string raw, out string? value)
    {
        value = raw.Length == 0 ? null : raw;
        if (raw.StartsWith('"') || raw.StartsWith('\''))
        {
            var quote = raw[0];
            if (raw.Length < 2 || raw[^1] != quote)
            {
                return false;
            }

            var inner = raw[1..^1];
            value = quote == '"'
                ? inner.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal)
                : inner.Replace("''", "'", StringComparison.Ordinal);
        }

        return true;
    }

    private static string Shorten(string value) => value.Length > 60 ? value[..60] + "…" : value;

    [GeneratedRegex(
        @"^\d{4}-\d{2}-\d{2}(?<time>[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(?<offset>[Zz]|[+-]\d{2}:?\d{2})?)?$")]
    private static partial Regex IsoDateTime();
}

using System.Text.RegularExpressions;
using Stance.Storage.Objects;

namespace Stance.Storage;

/// <summary>What a location setting may be: a local path, or (for the output and the input) an object store
/// location (<see cref="ObjectLocation.Supported"/>). Any other URL (<c>gs://</c>, a typo such as <c>s4://</c>) is
/// refused at start instead of becoming a local folder named after its scheme.</summary>
internal static partial class StorageLocation
{
    /// <summary>The problem with <paramref name="value"/> as the output or input <paramref name="key"/>, or null when
    /// it is a local path or a supported object store location. The message never repeats a URL's user info or query
    /// (they may hold credentials).</summary>
    public static string? LocationProblem(string key, string? value)
    {
        try
        {
            ObjectLocation.Parse(value);
            return null;
        }
        catch (FormatException ex)
        {
            return $"{key}: {ex.Message} (a URL never becomes a local folder named after its scheme)";
        }
    }

    /// <summary>The problem with <paramref name="value"/> as a location that must be a local file (the journal), or
    /// null when it is not a URL.</summary>
    public static string? UrlProblem(string key, string? value)
    {
        if (value is null || UrlLike().Match(value) is not { Success: true } match)
        {
            return null;
        }

        var scheme = match.Groups[1].Value;
        return $"{key}: '{Redact(value)}' is a URL ({scheme}://), not a local path: the journal and the run's state "
            + "need a local disk (SQLite; not an object store, NFS or a network share). With an object-store output "
            + "they stay local and the journal's answers are saved next to the dataset (docs/object-storage.md)";
    }

    /// <summary>A URL without its query, fragment or user info (they may hold credentials).</summary>
    internal static string Redact(string url)
    {
        var withoutQuery = url.Split('?', '#')[0];
        var at = withoutQuery.IndexOf('@', StringComparison.Ordinal);
        var start = withoutQuery.IndexOf("://", StringComparison.Ordinal) + 3;
        return at > start && !withoutQuery.StartsWith("abfss://", StringComparison.OrdinalIgnoreCase)
            ? withoutQuery[..start] + "…@" + withoutQuery[(at + 1)..]
            : withoutQuery;
    }

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*)://")]
    private static partial Regex UrlLike();
}

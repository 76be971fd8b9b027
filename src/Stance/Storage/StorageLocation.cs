using System.Text.RegularExpressions;

namespace Stance.Storage;

/// <summary>What a location setting may be. This version reads and writes local folders only; a value that looks like
/// a URL (<c>s3://…</c>, <c>az://…</c>, <c>https://ACCOUNT.blob.core.windows.net/…</c>, a typo such as
/// <c>gs://</c>) is refused at start instead of becoming a local folder named after its scheme.</summary>
internal static partial class StorageLocation
{
    /// <summary>The problem with <paramref name="value"/> as the location <paramref name="key"/>, or null when it is
    /// a local path. The message never repeats a URL's user info or query (they may hold credentials).</summary>
    public static string? UrlProblem(string key, string? value)
    {
        if (value is null || UrlLike().Match(value) is not { Success: true } match)
        {
            return null;
        }

        var scheme = match.Groups[1].Value;
        return $"{key}: '{Redact(value)}' is a URL ({scheme}://), not a local folder. This version reads and writes "
            + "local folders only; s3:// and Azure Blob (az://, https://ACCOUNT.blob.core.windows.net/…) locations "
            + $"are not built yet, so it is refused rather than written to a local folder named '{scheme}:'";
    }

    /// <summary>A URL without its query, fragment or user info (they may hold credentials).</summary>
    internal static string Redact(string url)
    {
        var withoutQuery = url.Split('?', '#')[0];
        var at = withoutQuery.IndexOf('@', StringComparison.Ordinal);
        var start = withoutQuery.IndexOf("://", StringComparison.Ordinal) + 3;
        return at > start ? withoutQuery[..start] + "…@" + withoutQuery[(at + 1)..] : withoutQuery;
    }

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*)://")]
    private static partial Regex UrlLike();
}

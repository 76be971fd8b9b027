using System.Text.RegularExpressions;

namespace Stance.Storage.Objects;

/// <summary>A dataset root on an object store, parsed from a location setting (<c>--output</c>,
/// <c>--input</c>).</summary>
/// <param name="Kind">The store.</param>
/// <param name="Container">The S3 bucket or the Azure container.</param>
/// <param name="Prefix">The key prefix under it, without leading or trailing <c>/</c>; empty for the whole
/// container.</param>
/// <param name="AccountUrl">Azure only: the account's blob endpoint when the location names it
/// (<c>https://ACCOUNT.blob.core.windows.net</c>); null for <c>az://</c>, whose account comes from the connection
/// string or <c>AZURE_STORAGE_ACCOUNT</c>.</param>
internal sealed partial record ObjectLocation(ObjectStoreKind Kind, string Container, string Prefix, Uri? AccountUrl)
{
    /// <summary>The forms a location may take, for messages.</summary>
    public const string Supported =
        "s3://BUCKET/PREFIX, az://CONTAINER/PREFIX, https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX, " +
        "abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX";

    /// <summary>The location <paramref name="value"/> names, or null when it is not a URL (a local path). Throws
    /// <see cref="FormatException"/> for a URL this version cannot use; the message never repeats user info or a
    /// query string.</summary>
    public static ObjectLocation? Parse(string? value)
    {
        if (value is null || UrlLike().Match(value) is not { Success: true } match)
        {
            return null;
        }

        var scheme = match.Groups[1].Value.ToLowerInvariant();
        var rest = value[match.Length..].Split('?', '#')[0];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? string.Empty : rest[(slash + 1)..];
        var location = scheme switch
        {
            "s3" => Bucket(ObjectStoreKind.S3, host, path, null),
            "az" => Bucket(ObjectStoreKind.AzureBlob, host, path, null),
            "https" when AzureHost().Match(host) is { Success: true } azure =>
                FirstSegment(path, new Uri($"https://{azure.Groups[1].Value}.blob.core.windows.net")),
            "abfss" when host.Split('@') is [var container, var account]
                && AzureHost().Match(account) is { Success: true } dfs =>
                Bucket(
                    ObjectStoreKind.AzureBlob,
                    container,
                    path,
                    new Uri($"https://{dfs.Groups[1].Value}.blob.core.windows.net")),
            _ => null,
        };
        return location ?? throw new FormatException(
            $"'{StorageLocation.Redact(value)}' is not a location this version can use; use a local folder or one of "
            + $"{Supported}");
    }

    /// <summary>The store location <paramref name="value"/> names, or null when it is a local path or a URL this
    /// version cannot use (reported by the location's own validator); never throws.</summary>
    public static ObjectLocation? TryParse(string? value)
    {
        try
        {
            return Parse(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The location as a user would type it, without credentials.</summary>
    public override string ToString()
    {
        var scheme = Kind == ObjectStoreKind.S3 ? "s3" : "az";
        var root = AccountUrl is null
            ? $"{scheme}://{Container}"
            : $"{AccountUrl.AbsoluteUri.TrimEnd('/')}/{Container}";
        return Prefix.Length == 0 ? root : $"{root}/{Prefix}";
    }

    /// <summary>The key of <paramref name="relative"/> under the prefix.</summary>
    public string KeyOf(string relative) => Prefix.Length == 0 ? relative : $"{Prefix}/{relative}";

    private static ObjectLocation? FirstSegment(string path, Uri account)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? Bucket(ObjectStoreKind.AzureBlob, path, string.Empty, account)
            : Bucket(ObjectStoreKind.AzureBlob, path[..slash], path[(slash + 1)..], account);
    }

    private static ObjectLocation? Bucket(ObjectStoreKind kind, string container, string path, Uri? account) =>
        container.Length == 0 || container.Contains('@', StringComparison.Ordinal)
            ? null
            : new ObjectLocation(kind, container, path.Trim('/'), account);

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*)://")]
    private static partial Regex UrlLike();

    [GeneratedRegex(@"^([a-z0-9]{3,24})\.(?:blob|dfs)\.core\.windows\.net$", RegexOptions.IgnoreCase)]
    private static partial Regex AzureHost();
}

/// <summary>The object stores a location can name.</summary>
internal enum ObjectStoreKind
{
    /// <summary>Amazon S3 or an S3-compatible store (MinIO, …).</summary>
    S3,

    /// <summary>Azure Blob Storage (and ADLS Gen2 accounts, through their blob endpoint).</summary>
    AzureBlob,
}

using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Stance.Storage.Objects.Azure;

/// <summary>An <see cref="IObjectStore"/> on an Azure Blob Storage container under a blob-name prefix: whole objects
/// are single Put Blob requests (conditional with <c>If-None-Match: *</c> / <c>If-Match</c>), staged uploads are
/// uncommitted blocks of a block blob (see <c>AzureBlobObjectStore.Staged.cs</c>).</summary>
/// <remarks>Azure keeps staged blocks per blob <em>name</em>, not per upload: a key has at most one staged upload at
/// a time in practice, since completing any upload of a key discards every other uncommitted block of it.</remarks>
internal sealed partial class AzureBlobObjectStore : IObjectStore
{
    private const string FolderMarker = "hdi_isfolder";

    private readonly BlobContainerClient _container;
    private readonly string _prefix;

    /// <summary>A store on <paramref name="container"/> whose keys are relative to <paramref name="prefix"/> (without
    /// leading or trailing <c>/</c>; empty for the whole container).</summary>
    public AzureBlobObjectStore(BlobContainerClient container, string prefix)
    {
        _container = container;
        _prefix = prefix.Trim('/');
        Location = _prefix.Length == 0 ? $"az://{container.Name}" : $"az://{container.Name}/{_prefix}";
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var options = new GetBlobsOptions { Prefix = NameOf(prefix), Traits = BlobTraits.Metadata };
        var found = new List<StoredObject>();
        try
        {
            await foreach (var item in _container.GetBlobsAsync(options, cancellationToken).ConfigureAwait(false))
            {
                // Accounts with a hierarchical namespace (ADLS Gen2) list their directories as empty marker blobs.
                if (item.Metadata?.ContainsKey(FolderMarker) != true)
                {
                    var etag = Quoted(item.Properties.ETag?.ToString() ?? string.Empty);
                    found.Add(new StoredObject(KeyOf(item.Name), item.Properties.ContentLength ?? 0, etag));
                }
            }
        }
        catch (Exception error) when (IsAzure(error))
        {
            throw AzureErrors.For(error, "list", Display(prefix) + "*");
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return found;
    }

    /// <inheritdoc />
    public async Task<bool> DownloadAsync(string key, Stream destination, CancellationToken cancellationToken)
    {
        try
        {
            await Blob(key).DownloadToAsync(destination, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException error) when (AzureErrors.IsBlobNotFound(error))
        {
            return false;
        }
        catch (Exception error) when (IsAzure(error))
        {
            throw AzureErrors.For(error, "download", Display(key));
        }
    }

    /// <inheritdoc />
    public async Task<string?> PutAsync(
        string key,
        Stream content,
        WriteCondition condition,
        CancellationToken cancellationToken)
    {
        var conditions = condition.Kind switch
        {
            WriteConditionKind.IfAbsent => new BlobRequestConditions { IfNoneMatch = ETag.All },
            WriteConditionKind.IfMatch => new BlobRequestConditions { IfMatch = new ETag(condition.ETag!) },
            _ => null,
        };

        // One Put Blob request (the object appears whole, the condition is checked atomically); it needs the length.
        var seekable = content.CanSeek ? null : new MemoryStream();
        try
        {
            if (seekable is not null)
            {
                await content.CopyToAsync(seekable, cancellationToken).ConfigureAwait(false);
                seekable.Position = 0;
            }

            var options = new BlobUploadOptions { Conditions = conditions };
            var written = await Blob(key).UploadAsync(seekable ?? content, options, cancellationToken)
                .ConfigureAwait(false);
            return written.Value.ETag.ToString();
        }
        catch (RequestFailedException error) when (condition.Kind != WriteConditionKind.None
            && error.ErrorCode is "ConditionNotMet" or "BlobAlreadyExists" or "BlobNotFound")
        {
            return null;
        }
        catch (Exception error) when (IsAzure(error))
        {
            throw AzureErrors.For(error, "write", Display(key));
        }
        finally
        {
            if (seekable is not null)
            {
                await seekable.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken, string? ifMatch = null)
    {
        var conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        try
        {
            await Blob(key).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException error) when (AzureErrors.IsBlobNotFound(error))
        {
            return true;
        }
        catch (RequestFailedException error) when (error.Status == 412 && ifMatch is not null)
        {
            return false;
        }
        catch (Exception error) when (IsAzure(error))
        {
            throw AzureErrors.For(error, "delete", Display(key));
        }
    }

    /// <summary>The ETag as the <c>ETag</c> header gives it (quoted): a listing gives it without quotes.</summary>
    private static string Quoted(string etag) =>
        etag.Length == 0 || etag.StartsWith('"') || etag.StartsWith("W/", StringComparison.Ordinal)
            ? etag
            : $"\"{etag}\"";

    private static bool IsAzure(Exception error) =>
        error is RequestFailedException or global::Azure.Identity.AuthenticationFailedException;

    private BlockBlobClient Blob(string key) => _container.GetBlockBlobClient(NameOf(key));

    /// <summary>The blob name of <paramref name="key"/> (relative to the root); for a listing prefix, an empty key
    /// gives the root followed by <c>/</c>, so listing stops at the root.</summary>
    private string NameOf(string key) => _prefix.Length == 0 ? key : $"{_prefix}/{key}";

    private string KeyOf(string name) => _prefix.Length == 0 ? name : name[(_prefix.Length + 1)..];

    private string Display(string key) => $"az://{_container.Name}/{NameOf(key)}";
}

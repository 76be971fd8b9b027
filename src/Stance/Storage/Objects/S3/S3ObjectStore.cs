using Amazon.S3;
using Amazon.S3.Model;

namespace Stance.Storage.Objects.S3;

/// <summary>An <see cref="IObjectStore"/> on an S3 bucket and key prefix: whole objects with (conditional)
/// PutObject, staged uploads as multipart uploads left uncompleted (<c>S3ObjectStore.Uploads.cs</c>,
/// <c>S3ObjectStore.Pending.cs</c>).</summary>
/// <remarks>The SDK retries transient failures itself; what is left surfaces as <see cref="ObjectStoreException"/>
/// (<see cref="S3Errors"/>). Conditional writes need a store with S3's conditional requests (AWS since 2024,
/// conditional deletes since 2025; recent MinIO).</remarks>
internal sealed partial class S3ObjectStore : IObjectStore
{
    private readonly IAmazonS3 _client;
    private readonly ObjectLocation _location;
    private readonly string _endpoint;

    /// <summary>A store rooted at <paramref name="location"/> (an <see cref="ObjectStoreKind.S3"/> location), reached
    /// through <paramref name="client"/>, which the caller owns.</summary>
    public S3ObjectStore(IAmazonS3 client, ObjectLocation location)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(location);
        if (location.Kind != ObjectStoreKind.S3)
        {
            throw new ArgumentException($"{location} is not an S3 location", nameof(location));
        }

        _client = client;
        _location = location;
        _endpoint = client.Config.ServiceURL is { Length: > 0 } url
            ? StorageLocation.Redact(url)
            : $"AWS {client.Config.RegionEndpoint?.SystemName ?? client.Config.AuthenticationRegion ?? "default"}";
    }

    /// <inheritdoc />
    public string Location => _location.ToString();

    private string Bucket => _location.Container;

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = _location.KeyOf(prefix) };
        var objects = new List<StoredObject>();
        try
        {
            ListObjectsV2Response response;
            do
            {
                response = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                objects.AddRange((response.S3Objects ?? []).Select(o => new StoredObject(
                    Relative(o.Key),
                    o.Size ?? 0,
                    o.ETag ?? string.Empty)));
                request.ContinuationToken = response.NextContinuationToken;
            }
            while (response.IsTruncated == true && !string.IsNullOrEmpty(response.NextContinuationToken));
        }
        catch (Exception error) when (S3Errors.IsStoreError(error))
        {
            throw Wrap(error, "list", prefix);
        }

        objects.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return objects;
    }

    /// <inheritdoc />
    public async Task<bool> DownloadAsync(string key, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        try
        {
            var request = new GetObjectRequest { BucketName = Bucket, Key = _location.KeyOf(key) };
            using var response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            await response.ResponseStream.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception error) when (S3Errors.IsAbsent(error))
        {
            return false;
        }
        catch (Exception error) when (S3Errors.IsStoreError(error))
        {
            throw Wrap(error, "download", key);
        }
    }

    /// <inheritdoc />
    public async Task<string?> PutAsync(
        string key,
        Stream content,
        WriteCondition condition,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);

        // The SDK needs the length up front; whole-object writes are small files, so an unseekable one is buffered.
        var body = content.CanSeek ? content : await BufferAsync(content, cancellationToken).ConfigureAwait(false);
        var request = new PutObjectRequest
        {
            BucketName = Bucket,
            Key = _location.KeyOf(key),
            InputStream = body,
            AutoCloseStream = false,
        };
        switch (condition.Kind)
        {
            case WriteConditionKind.IfAbsent:
                request.IfNoneMatch = "*";
                break;
            case WriteConditionKind.IfMatch:
                request.IfMatch = condition.ETag
                    ?? throw new ArgumentException("an If-Match write needs an ETag", nameof(condition));
                break;
        }

        try
        {
            var response = await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return response.ETag;
        }
        catch (AmazonS3Exception error) when (condition.Kind != WriteConditionKind.None
            && (S3Errors.IsConditionFailed(error)
                || (condition.Kind == WriteConditionKind.IfMatch && S3Errors.IsAbsent(error))))
        {
            return null;
        }
        catch (Exception error) when (S3Errors.IsStoreError(error))
        {
            throw Wrap(error, "write", key);
        }
        finally
        {
            if (!ReferenceEquals(body, content))
            {
                await body.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken, string? ifMatch = null)
    {
        var request = new DeleteObjectRequest { BucketName = Bucket, Key = _location.KeyOf(key), IfMatch = ifMatch };
        try
        {
            await _client.DeleteObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception error) when (ifMatch is not null && S3Errors.IsConditionFailed(error))
        {
            return false;
        }
        catch (AmazonS3Exception error) when (S3Errors.IsAbsent(error))
        {
            // A conditional delete of an absent object answers 404: absent is not an error.
            return true;
        }
        catch (Exception error) when (S3Errors.IsStoreError(error))
        {
            throw Wrap(error, "delete", key);
        }
    }

    /// <summary>The key relative to the root of the bucket key <paramref name="key"/>, which is under it.</summary>
    private string Relative(string key) =>
        _location.Prefix.Length == 0 ? key : key[Math.Min(key.Length, _location.Prefix.Length + 1)..];

    private ObjectStoreException Wrap(Exception error, string action, string key) =>
        S3Errors.Wrap(error, action, $"s3://{Bucket}/{_location.KeyOf(key)}", _endpoint);

    private static async Task<MemoryStream> BufferAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        return buffer;
    }
}

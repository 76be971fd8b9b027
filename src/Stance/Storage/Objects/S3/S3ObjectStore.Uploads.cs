using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;

namespace Stance.Storage.Objects.S3;

/// <summary>Staged uploads: S3 multipart uploads, initiated and filled by <see cref="StageAsync"/>, made visible by
/// <see cref="CompleteAsync"/>.</summary>
internal sealed partial class S3ObjectStore
{
    /// <summary>The size of every part but the last: S3 wants at least 5 MiB; one part's buffer is all the memory a
    /// staged upload takes.</summary>
    public const int PartSize = 8 * 1024 * 1024;

    /// <inheritdoc />
    public async Task<PendingUpload> StageAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        string uploadId;
        try
        {
            var initiate = new InitiateMultipartUploadRequest { BucketName = Bucket, Key = _location.KeyOf(key) };
            var response = await _client.InitiateMultipartUploadAsync(initiate, cancellationToken)
                .ConfigureAwait(false);
            uploadId = response.UploadId;
        }
        catch (Exception error) when (S3Errors.IsStoreError(error))
        {
            throw Wrap(error, "begin a multipart upload of", key);
        }

        try
        {
            var parts = await UploadPartsAsync(key, uploadId, content, cancellationToken).ConfigureAwait(false);
            return new PendingUpload(key, uploadId, parts);
        }
        catch (Exception error)
        {
            // Leave no half-filled upload behind (best effort: ListPendingAsync finds what this misses).
            await TryAbortAsync(key, uploadId).ConfigureAwait(false);
            if (S3Errors.IsStoreError(error))
            {
                throw Wrap(error, "upload a part of", key);
            }

            throw;
        }
    }

    /// <inheritdoc />
    public async Task CompleteAsync(PendingUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var request = new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = _location.KeyOf(upload.Key),
            UploadId = upload.UploadId,
            PartETags = [.. upload.Parts.Select((etag, index) => new PartETag(index + 1, etag))],
        };
        try
        {
            await _client.CompleteMultipartUploadAsync(request, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (AmazonS3Exception error) when (S3Errors.IsNoSuchUpload(error))
        {
            if (await ExistsAsync(upload.Key, cancellationToken).ConfigureAwait(false))
            {
                // An earlier attempt (or another process) completed it.
                return;
            }

            throw new ObjectStoreException(
                $"S3 could not complete the multipart upload {upload.UploadId} of s3://{Bucket}/"
                + $"{_location.KeyOf(upload.Key)} (endpoint {_endpoint}): the upload is gone (aborted, or removed by "
                + "a bucket lifecycle rule) and there is no such object; the file must be uploaded again",
                error)
            {
                UploadGone = true,
            };
        }
        catch (Exception error) when (S3Errors.IsStoreError(error))
        {
            throw Wrap(error, "complete the multipart upload of", upload.Key);
        }
    }

    /// <inheritdoc />
    public async Task AbortAsync(PendingUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var request = new AbortMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = _location.KeyOf(upload.Key),
            UploadId = upload.UploadId,
        };
        try
        {
            await _client.AbortMultipartUploadAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception error) when (S3Errors.IsNoSuchUpload(error))
        {
            // Already completed or aborted.
        }
        catch (Exception error) when (S3Errors.IsStoreError(error))
        {
            throw Wrap(error, "abort the multipart upload of", upload.Key);
        }
    }

    /// <summary>Uploads <paramref name="content"/> in parts of <see cref="PartSize"/> bytes, read one after the other
    /// into one buffer; an empty stream still makes one (empty) part. Returns the parts' ETags in order.</summary>
    private async Task<List<string>> UploadPartsAsync(
        string key,
        string uploadId,
        Stream content,
        CancellationToken cancellationToken)
    {
        var etags = new List<string>();
        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        try
        {
            while (true)
            {
                var read = await content
                    .ReadAtLeastAsync(buffer.AsMemory(0, PartSize), PartSize, false, cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0 && etags.Count > 0)
                {
                    break;
                }

                using var part = new MemoryStream(buffer, 0, read, writable: false);
                var request = new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = _location.KeyOf(key),
                    UploadId = uploadId,
                    PartNumber = etags.Count + 1,
                    InputStream = part,
                    PartSize = read,
                };
                var response = await _client.UploadPartAsync(request, cancellationToken).ConfigureAwait(false);
                etags.Add(response.ETag);
                if (read < PartSize)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return etags;
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var request = new GetObjectMetadataRequest { BucketName = Bucket, Key = _location.KeyOf(key) };
            await _client.GetObjectMetadataAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception error) when (S3Errors.IsAbsent(error))
        {
            return false;
        }
    }

    private async Task TryAbortAsync(string key, string uploadId)
    {
        try
        {
            await AbortAsync(new PendingUpload(key, uploadId, []), CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectStoreException)
        {
            // The original failure matters more; the upload stays listed as pending.
        }
    }
}

using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;

namespace Stance.Storage.Objects.S3;

/// <summary>Listing the staged uploads a crashed process left: S3's multipart uploads under a prefix, each with its
/// parts.</summary>
internal sealed partial class S3ObjectStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<PendingUpload>> ListPendingAsync(
        string prefix,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var request = new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = _location.KeyOf(prefix) };
        var pending = new List<PendingUpload>();
        try
        {
            ListMultipartUploadsResponse response;
            do
            {
                response = await _client.ListMultipartUploadsAsync(request, cancellationToken).ConfigureAwait(false);
                foreach (var upload in response.MultipartUploads ?? [])
                {
                    var parts = await ListPartsAsync(upload.Key, upload.UploadId, cancellationToken)
                        .ConfigureAwait(false);
                    if (parts is not null)
                    {
                        pending.Add(new PendingUpload(Relative(upload.Key), upload.UploadId, parts));
                    }
                }

                request.KeyMarker = response.NextKeyMarker;
                request.UploadIdMarker = response.NextUploadIdMarker;
            }
            while (response.IsTruncated == true
                && (request.KeyMarker is not null || request.UploadIdMarker is not null));
        }
        catch (Exception error) when (S3Errors.IsStoreError(error))
        {
            throw Wrap(error, "list the multipart uploads under", prefix);
        }

        return pending;
    }

    /// <summary>The ETags of an upload's parts in part order, or null when the upload is gone.</summary>
    private async Task<List<string>?> ListPartsAsync(string bucketKey, string uploadId, CancellationToken token)
    {
        var request = new ListPartsRequest { BucketName = Bucket, Key = bucketKey, UploadId = uploadId };
        var parts = new List<PartDetail>();
        try
        {
            ListPartsResponse response;
            do
            {
                response = await _client.ListPartsAsync(request, token).ConfigureAwait(false);
                parts.AddRange(response.Parts ?? []);
                request.PartNumberMarker = response.NextPartNumberMarker?.ToString(
                    CultureInfo.InvariantCulture);
            }
            while (response.IsTruncated == true && request.PartNumberMarker is not null);
        }
        catch (AmazonS3Exception error) when (S3Errors.IsNoSuchUpload(error))
        {
            // Completed or aborted since it was listed.
            return null;
        }

        return [.. parts.OrderBy(p => p.PartNumber).Select(p => p.ETag)];
    }
}

using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace Stance.Storage.Objects.S3;

/// <summary>Classifies S3 errors and turns the ones a caller cannot handle into <see cref="ObjectStoreException"/>s
/// whose message names the object and what to check, and never a credential (the SDK's and S3's messages carry
/// none; the service URL is shown without user info or query).</summary>
internal static class S3Errors
{
    /// <summary>True for a 404 that means the object (or upload) is absent, not the bucket.</summary>
    public static bool IsAbsent(AmazonS3Exception error) =>
        error.StatusCode == HttpStatusCode.NotFound && error.ErrorCode != "NoSuchBucket";

    /// <summary>True when a multipart upload is gone: completed, aborted or never begun.</summary>
    public static bool IsNoSuchUpload(AmazonS3Exception error) =>
        error.ErrorCode == "NoSuchUpload" || (IsAbsent(error) && error.ErrorCode != "NoSuchKey");

    /// <summary>True when a conditional request's condition did not hold: 412, or 409 (S3 answers
    /// <c>ConditionalRequestConflict</c> when another conditional write of the key is in flight, which the caller
    /// treats as having lost the race).</summary>
    public static bool IsConditionFailed(AmazonS3Exception error) =>
        error.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict;

    /// <summary>True for the exceptions <see cref="Wrap"/> turns into an <see cref="ObjectStoreException"/>.</summary>
    public static bool IsStoreError(Exception error) =>
        error is AmazonServiceException or AmazonClientException or HttpRequestException;

    /// <summary>The <see cref="ObjectStoreException"/> for <paramref name="error"/>, raised while trying to
    /// <paramref name="action"/> <paramref name="url"/> (<c>s3://bucket/key</c>) at
    /// <paramref name="endpoint"/>.</summary>
    public static ObjectStoreException Wrap(Exception error, string action, string url, string endpoint)
    {
        var (what, check) = error switch
        {
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } s3 => (Describe(s3),
                "check that the bucket exists and that the location names it"),
            AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized } s3 =>
                (Describe(s3), "check the credentials (the AWS SDK's default chain: AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity, instance role), that they may do this on the "
                    + "bucket, and the region"),
            AmazonS3Exception s3 => (Describe(s3),
                "check that the bucket exists, the credentials may use it, and the endpoint and region are right"),
            AmazonServiceException service => ($"{service.GetType().Name}: {service.Message}",
                "check the endpoint (Stance:Storage:S3:ServiceUrl, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL) and that "
                + "the store is reachable"),
            AmazonClientException client => ($"{client.GetType().Name}: {client.Message}",
                "check that credentials are configured for the AWS SDK's default chain (AWS_ACCESS_KEY_ID and "
                + "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity, instance role) and the endpoint and region"),
            _ => ($"{error.GetType().Name}: {error.Message}",
                "check the endpoint (Stance:Storage:S3:ServiceUrl, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL) and that "
                + "the store is reachable"),
        };
        return new ObjectStoreException($"S3 could not {action} {url} (endpoint {endpoint}): {what}; {check}", error);
    }

    private static string Describe(AmazonS3Exception error)
    {
        var code = string.IsNullOrEmpty(error.ErrorCode) ? "no error code" : error.ErrorCode;
        return $"{(int)error.StatusCode} {code}: {error.Message}";
    }
}

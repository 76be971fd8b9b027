using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Stance.Storage.Objects.S3;

/// <summary>Builds the S3 client from <see cref="S3StorageOptions"/> and the environment. Credentials come only from
/// the AWS SDK's default chain (<c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_PROFILE</c>, web
/// identity, instance metadata); nothing here reads, logs or repeats them.</summary>
internal static class S3Clients
{
    /// <summary>The region when neither the options nor the SDK's chain name one.</summary>
    public const string DefaultRegion = "us-east-1";

    private static readonly string[] s_endpointVariables = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"];
    private static readonly string[] s_regionVariables = ["AWS_REGION", "AWS_DEFAULT_REGION"];

    /// <summary>A client for <paramref name="options"/> with the SDK's default credential chain.</summary>
    public static AmazonS3Client Create(S3StorageOptions options) =>
        Create(options, credentials: null, Environment.GetEnvironmentVariable);

    /// <summary>A client for <paramref name="options"/>, reading the environment through
    /// <paramref name="environment"/>. <paramref name="credentials"/> null: the SDK's default chain (the only source in
    /// production; tests pass an emulator's fixed keys).</summary>
    internal static AmazonS3Client Create(
        S3StorageOptions options,
        AWSCredentials? credentials,
        Func<string, string?> environment)
    {
        var config = Config(options, environment);
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    /// <summary>The client configuration: the service URL (<see cref="ServiceUrl"/>), path-style addressing, the
    /// region (<see cref="Region"/>) and, for an S3-compatible store, checksums only where the API requires
    /// them.</summary>
    internal static AmazonS3Config Config(S3StorageOptions options, Func<string, string?> environment)
    {
        var region = Region(options, environment);
        var serviceUrl = ServiceUrl(options, environment);
        var config = new AmazonS3Config { ForcePathStyle = options.ForcePathStyle };
        if (serviceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            // ServiceURL and RegionEndpoint exclude each other; the region then only signs the requests.
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = region;

            // SDK 4 sends CRC32 trailing checksums (aws-chunked bodies) on every upload by default, which AWS
            // verifies but many S3-compatible stores (older MinIO, Ceph, s3rver) reject or store verbatim. Against a
            // custom endpoint only the checksums the API requires are sent and checked, unless the standard
            // AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION variables say otherwise.
            if (string.IsNullOrEmpty(environment("AWS_REQUEST_CHECKSUM_CALCULATION")))
            {
                config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            }

            if (string.IsNullOrEmpty(environment("AWS_RESPONSE_CHECKSUM_VALIDATION")))
            {
                config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            }
        }

        return config;
    }

    /// <summary>The service URL: the option, else <c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c> (unless
    /// <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is true); null: AWS itself. The SDK reads the same variables
    /// (and a profile's <c>endpoint_url</c>) when no URL is given; resolving them here makes the option win
    /// explicitly.</summary>
    internal static string? ServiceUrl(S3StorageOptions options, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            return options.ServiceUrl.Trim();
        }

        var ignore = environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
        if (string.Equals(ignore, "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return s_endpointVariables
            .Select(environment)
            .FirstOrDefault(value => !string.IsNullOrWhiteSpace(value))?.Trim();
    }

    /// <summary>The region: the option, else <c>AWS_REGION</c> / <c>AWS_DEFAULT_REGION</c>, else the SDK's chain
    /// (the profile, instance metadata), else <see cref="DefaultRegion"/>.</summary>
    internal static string Region(S3StorageOptions options, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(options.Region))
        {
            return options.Region.Trim();
        }

        var fromEnvironment = s_regionVariables
            .Select(environment)
            .FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
        if (fromEnvironment is not null)
        {
            return fromEnvironment.Trim();
        }

        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName ?? DefaultRegion;
        }
        catch (AmazonClientException)
        {
            return DefaultRegion;
        }
    }
}

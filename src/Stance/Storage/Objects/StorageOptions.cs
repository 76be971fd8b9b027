using System.ComponentModel.DataAnnotations;

namespace Stance.Storage.Objects;

/// <summary>How the job reaches an object store and keeps local state beside it, bound from
/// <c>Stance:Storage</c>. Credentials are never options: they come from the SDKs' standard chains.</summary>
internal sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Storage";

    /// <summary>The local folder for state that is not the dataset (the journal, staged parts, the input cache)
    /// when the output is on an object store; null: a folder under the system's temporary folder named after the
    /// output location. Must be a local disk (SQLite's WAL needs local locks; not NFS or Azure Files).</summary>
    public string? StateFolder { get; set; }

    /// <summary>How long the output's lock stays valid without being renewed; a run renews it every third of this,
    /// so a killed run's lock is taken over this long after its last renewal.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan LockTtl { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a run saves the answers it journaled since the last save next to the output, so a new
    /// machine resumes without paying for them again. A process that dies pays again at most this long's
    /// answers.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan JournalSync { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>S3 and S3-compatible stores.</summary>
    public S3StorageOptions S3 { get; set; } = new();
}

/// <summary><c>Stance:Storage:S3</c>: where an S3-compatible store is (credentials come from the AWS SDK's default
/// chain: environment, profiles, web identity, instance metadata).</summary>
internal sealed class S3StorageOptions
{
    /// <summary>The service URL of an S3-compatible store (MinIO, an emulator); null: AWS, or
    /// <c>AWS_ENDPOINT_URL_S3</c> / <c>AWS_ENDPOINT_URL</c> when set.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style addressing (<c>http://host/bucket/key</c>), which most S3-compatible stores need.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>The region; null: the SDK's chain (<c>AWS_REGION</c>, the profile), else us-east-1.</summary>
    public string? Region { get; set; }
}

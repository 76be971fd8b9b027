namespace Stance.Storage.Objects;

/// <summary>A dataset root on an object store: an S3 bucket and key prefix, or an Azure Blob container and blob-name
/// prefix. Every key is relative to the root (<c>paragraphs/run_date=2026-12-02/part-….parquet</c>) and uses
/// <c>/</c>.</summary>
/// <remarks>
/// Object stores have no rename, so a file that must appear whole is uploaded as a <em>staged</em> upload (an S3
/// multipart upload, Azure uncommitted blocks): invisible to every reader and lister until <see cref="CompleteAsync"/>
/// makes it appear at once. Small files that may appear at once (manifests, reports, commit records, the lock) are
/// written whole with <see cref="PutAsync"/>, optionally conditional. Implementations retry transient failures
/// themselves (the SDKs' retry policies) and throw <see cref="ObjectStoreException"/> for anything else, with a
/// message that names the key and never a credential.
/// </remarks>
internal interface IObjectStore
{
    /// <summary>The root for messages, without credentials: <c>s3://bucket/prefix</c>,
    /// <c>az://container/prefix</c>.</summary>
    string Location { get; }

    /// <summary>The committed objects whose key starts with <paramref name="prefix"/> (relative to the root; empty
    /// for all), in ordinal key order. Staged uploads are not listed.</summary>
    Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Copies the object <paramref name="key"/> into <paramref name="destination"/>, streaming; false (and
    /// nothing written) when there is no such object.</summary>
    Task<bool> DownloadAsync(string key, Stream destination, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="content"/> (read to its end) as the whole object <paramref name="key"/>, which
    /// appears at once. Returns the new object's ETag, or null when <paramref name="condition"/> did not hold (an
    /// object already exists for <see cref="WriteCondition.IfAbsent"/>; it is absent or has another ETag for
    /// <see cref="WriteCondition.IfMatch"/>).</summary>
    Task<string?> PutAsync(
        string key,
        Stream content,
        WriteCondition condition,
        CancellationToken cancellationToken);

    /// <summary>Deletes <paramref name="key"/>; an absent object is not an error. With <paramref name="ifMatch"/>,
    /// deletes only the object with that ETag and returns false (deleting nothing) when it has another.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken, string? ifMatch = null);

    /// <summary>Uploads <paramref name="content"/> (read sequentially to its end, a block at a time, so memory stays
    /// bounded by the block size) as a staged upload of <paramref name="key"/>: nothing is visible until
    /// <see cref="CompleteAsync"/>. The returned handle is plain data, to be written into a commit record and
    /// completed by another process after a crash.</summary>
    Task<PendingUpload> StageAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Makes a staged upload visible as its key, at once. Idempotent: completing an upload that an earlier
    /// attempt (or process) already completed succeeds. Throws <see cref="ObjectStoreException"/> when the upload is
    /// gone (aborted) and the object is not there.</summary>
    Task CompleteAsync(PendingUpload upload, CancellationToken cancellationToken);

    /// <summary>The staged uploads under <paramref name="prefix"/> that were never completed nor aborted (a crashed
    /// process's).</summary>
    Task<IReadOnlyList<PendingUpload>> ListPendingAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Discards a staged upload without making anything visible; one already gone is not an error.</summary>
    Task AbortAsync(PendingUpload upload, CancellationToken cancellationToken);
}

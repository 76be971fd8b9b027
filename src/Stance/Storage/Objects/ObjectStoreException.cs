namespace Stance.Storage.Objects;

/// <summary>An object store refused or failed an operation after the SDK's own retries: the message names the
/// location and key (never a credential) and what to check.</summary>
internal sealed class ObjectStoreException(string message, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>True when completing a staged upload failed because the upload is gone (aborted) and no object has
    /// its key: nothing can make that part appear any more.</summary>
    public bool UploadGone { get; init; }
}

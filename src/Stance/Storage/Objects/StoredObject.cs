namespace Stance.Storage.Objects;

/// <summary>A committed object under a store's root.</summary>
/// <param name="Key">The key relative to the root, with <c>/</c>.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="ETag">Its entity tag, as the store reports it (quotes kept), for conditional writes.</param>
internal sealed record StoredObject(string Key, long Size, string ETag);

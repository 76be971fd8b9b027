namespace Stance.Storage.Objects;

/// <summary>Opens the object store a location names, with credentials from the SDKs' standard chains.</summary>
internal interface IObjectStores
{
    /// <summary>The store rooted at <paramref name="location"/>.</summary>
    IObjectStore Open(ObjectLocation location);
}

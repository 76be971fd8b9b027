using Microsoft.Extensions.Options;

namespace Stance.Storage.Objects;

/// <summary>Opens S3 and Azure Blob stores (the SDK clients are built per location, once).</summary>
internal sealed class ObjectStores(IOptions<StorageOptions> options) : IObjectStores
{
    /// <inheritdoc />
    public IObjectStore Open(ObjectLocation location) => location.Kind switch
    {
        _ => throw new NotSupportedException($"{location}: {location.Kind} is not built yet (options {options.Value})"),
    };
}

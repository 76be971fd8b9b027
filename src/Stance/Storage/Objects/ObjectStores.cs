using Amazon.S3;
using Microsoft.Extensions.Options;
using Stance.Storage.Objects.Azure;
using Stance.Storage.Objects.S3;

namespace Stance.Storage.Objects;

/// <summary>Opens S3 and Azure Blob stores; the SDK clients are built once (credentials from the SDKs' chains) and
/// disposed with the host.</summary>
internal sealed class ObjectStores(IOptions<StorageOptions> options) : IObjectStores, IDisposable
{
    private readonly Lazy<AmazonS3Client> _s3 = new(() => S3Clients.Create(options.Value.S3));

    /// <inheritdoc />
    public IObjectStore Open(ObjectLocation location) => location.Kind switch
    {
        ObjectStoreKind.S3 => new S3ObjectStore(_s3.Value, location),
        _ => AzureClients.CreateStore(location),
    };

    /// <inheritdoc />
    public void Dispose()
    {
        if (_s3.IsValueCreated)
        {
            _s3.Value.Dispose();
        }
    }
}

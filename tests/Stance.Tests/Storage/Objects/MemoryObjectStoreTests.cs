using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Storage.Objects;

/// <summary>The in-memory store the unit tests use keeps the same contract as S3 and Azure.</summary>
public sealed class MemoryObjectStoreTests : ObjectStoreContract
{
    private protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(new MemoryObjectStore());
}

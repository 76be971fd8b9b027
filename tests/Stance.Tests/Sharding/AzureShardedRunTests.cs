using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Sharding;

/// <summary>Shards writing to Azure Blob Storage, through Azurite.</summary>
public sealed class AzureShardedRunTests(AzuriteEmulator emulator)
    : ShardedRunContract, IClassFixture<AzuriteEmulator>
{
    private readonly string _prefix = $"sh-{Guid.NewGuid():N}"[..15];

    private protected override string Output => $"az://{emulator.Container.Name}/{_prefix}";

    private protected override IObjectStore Dataset => emulator.CreateStore(_prefix);

    private protected override IReadOnlyDictionary<string, string> Environment => emulator.Environment;

    private protected override void SkipIfUnavailable() => Skip.If(emulator.SkipReason is not null,
        emulator.SkipReason);

    private protected override async Task<int> PendingUploadsAsync() =>
        (await emulator.UncommittedBlobsAsync(_prefix + "/")).Count;
}

using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Output.Objects;

/// <summary>The object-store output on Azure Blob Storage, through Azurite, with the account key in
/// <c>AZURE_STORAGE_CONNECTION_STRING</c>.</summary>
public sealed class AzureOutputTests(AzuriteEmulator emulator) : ObjectOutputContract, IClassFixture<AzuriteEmulator>
{
    private protected override IReadOnlyDictionary<string, string> Environment => emulator.Environment;

    private protected override string Secret => AzuriteEmulator.AccountKey;

    private protected override string MissingContainerUrl => "az://no-such-container/stance";

    private protected override string Url(string prefix) => $"az://{emulator.Container.Name}/{prefix}";

    private protected override IObjectStore Store(string prefix) => emulator.CreateStore(prefix);

    private protected override void SkipIfUnavailable() => Skip.If(emulator.SkipReason is not null,
        emulator.SkipReason);

    private protected override async Task<IReadOnlyList<string>> PendingUploadsAsync(string prefix) =>
        await emulator.UncommittedBlobsAsync(prefix + "/");
}

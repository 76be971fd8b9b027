using System.Text;
using Stance.Storage.Objects;
using Stance.Storage.Objects.Azure;
using Stance.Tests.Support;

namespace Stance.Tests.Storage.Objects;

/// <summary>The store contract on Azurite, and what is particular to Azure Blob Storage.</summary>
public sealed class AzureBlobObjectStoreTests(AzuriteEmulator azurite)
    : ObjectStoreContract, IClassFixture<AzuriteEmulator>
{
    // A well-formed account key that is not the emulator's: requests signed with it are refused (403).
    private static readonly string s_canaryKey = Convert.ToBase64String(
        Encoding.ASCII.GetBytes("stance-canary-account-key-0123456789-abcdefghijklmnopqrstuvwx"));

    private protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(azurite.CreateStore());

    [SkippableFact]
    public async Task SixteenConcurrentWritesIfAbsentOfOneKeyLetExactlyOneWin()
    {
        var store = azurite.CreateStore();

        var etags = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            store.PutAsync("lock.json", Text($"writer {i}"), WriteCondition.IfAbsent, default))));

        var winner = Assert.Single(etags, e => e is not null);
        var listed = Assert.Single(await store.ListAsync(string.Empty, default));
        Assert.Equal(winner, listed.ETag);
        Assert.StartsWith("writer ", await ReadAsync(store, "lock.json"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ARefusedAccountKeyNeverAppearsInTheError()
    {
        var location = ObjectLocation.Parse($"az://{azurite.Container.Name}/refused")!;
        var store = AzureClients.CreateStore(location, Variables(azurite.ConnectionStringWith(s_canaryKey)));

        var error = await Assert.ThrowsAsync<ObjectStoreException>(
            () => store.PutAsync("a.json", Text("x"), WriteCondition.None, default));

        Assert.Contains($"az://{azurite.Container.Name}/refused/a.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(s_canaryKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(s_canaryKey[..16], error.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AMissingContainerIsNamedWithoutTheAccountKey()
    {
        var location = ObjectLocation.Parse("az://no-such-container/p")!;
        var store = AzureClients.CreateStore(location, Variables(azurite.ConnectionString));

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.ListAsync(string.Empty, default));
        var download = await Assert.ThrowsAsync<ObjectStoreException>(
            () => store.DownloadAsync("a.json", Stream.Null, default));

        Assert.Contains("az://no-such-container/p/", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", download.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteEmulator.AccountKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteEmulator.AccountKey, download.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ALocationNamingAnotherAccountThanTheConnectionStringIsAClearError()
    {
        var location = ObjectLocation.Parse("https://otheraccount.blob.core.windows.net/data/stance")!;
        var connection = $"DefaultEndpointsProtocol=https;AccountName=firstaccount;AccountKey={s_canaryKey};"
            + "EndpointSuffix=core.windows.net";

        var error = Assert.Throws<ObjectStoreException>(() => AzureClients.Container(location, Variables(connection)));

        Assert.Contains("'otheraccount'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'firstaccount'", error.Message, StringComparison.Ordinal);
        Assert.Contains(AzureClients.ConnectionStringVariable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(s_canaryKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALocationWithoutAnAccountSaysWhichVariableToSet()
    {
        var location = ObjectLocation.Parse("az://data/stance")!;

        var error = Assert.Throws<ObjectStoreException>(() => AzureClients.Container(location, _ => null));

        Assert.Contains(AzureClients.AccountVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains(AzureClients.ConnectionStringVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAccountNameFromTheEnvironmentGivesItsBlobEndpoint()
    {
        var location = ObjectLocation.Parse("az://data/stance")!;

        var container = AzureClients.Container(location, Variables(null, "mystorage"));

        Assert.Equal("https://mystorage.blob.core.windows.net/data", container.Uri.AbsoluteUri);
    }

    [Fact]
    public void AMalformedConnectionStringIsNotRepeated()
    {
        var location = ObjectLocation.Parse("az://data/stance")!;
        var connection = $"AccountKey={s_canaryKey};garbage";

        var error = Assert.Throws<ObjectStoreException>(() => AzureClients.Container(location, Variables(connection)));

        Assert.DoesNotContain(s_canaryKey, error.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AbortingACompletedUploadLeavesTheObject()
    {
        var store = azurite.CreateStore();
        var upload = await store.StageAsync("p/done.parquet", Text("rows"), default);
        await store.CompleteAsync(upload, default);

        await store.AbortAsync(upload, default);

        Assert.Equal("rows", await ReadAsync(store, "p/done.parquet"));
    }

    [SkippableFact]
    public async Task AnAbortedUploadLeavesNoUncommittedBlob()
    {
        var prefix = "aborted-" + Guid.NewGuid().ToString("N")[..8];
        var store = azurite.CreateStore(prefix);
        var upload = await store.StageAsync("p/gone.parquet", Text("rows"), default);
        Assert.Equal([$"{prefix}/p/gone.parquet"], await azurite.UncommittedBlobsAsync(prefix + "/"));

        await store.AbortAsync(upload, default);

        Assert.Empty(await azurite.UncommittedBlobsAsync(prefix + "/"));
    }

    [SkippableFact]
    public async Task AnEmptyStagedUploadCompletesAsAnEmptyObject()
    {
        var store = azurite.CreateStore();

        var upload = await store.StageAsync("p/empty.parquet", new MemoryStream(), default);
        await store.CompleteAsync(upload, default);

        Assert.Empty(upload.Parts);
        Assert.Equal(0, Assert.Single(await store.ListAsync("p/", default)).Size);
    }

    [SkippableFact]
    public async Task TwoCrashedUploadsOfOneKeyAreListedApartWithTheirBlocksInOrder()
    {
        var store = azurite.CreateStore();
        var content = new byte[AzureBlobObjectStore.BlockSize + 10];
        var first = await store.StageAsync("p/twice.parquet", new MemoryStream(content), default);
        var second = await store.StageAsync("p/twice.parquet", Text("retry"), default);

        var pending = await store.ListPendingAsync("p/", default);

        Assert.Equal(2, pending.Count);
        Assert.Contains(pending, u => u.Parts.SequenceEqual(first.Parts));
        Assert.Contains(pending, u => u.Parts.SequenceEqual(second.Parts));
    }

    [SkippableFact]
    public async Task AStoreBuiltFromTheEnvironmentReachesTheEmulator()
    {
        var location = ObjectLocation.Parse($"az://{azurite.Container.Name}/from-env")!;
        var store = AzureClients.CreateStore(location, name => azurite.Environment.GetValueOrDefault(name));

        await store.PutAsync("a.json", Text("x"), WriteCondition.None, default);

        Assert.Equal("az://" + azurite.Container.Name + "/from-env", store.Location);
        Assert.Equal("x", await ReadAsync(store, "a.json"));
    }

    private static Func<string, string?> Variables(string? connectionString, string? account = null) =>
        name => name switch
        {
            AzureClients.ConnectionStringVariable => connectionString,
            AzureClients.AccountVariable => account,
            _ => null,
        };
}

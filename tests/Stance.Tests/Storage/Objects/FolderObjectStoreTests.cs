using Stance.Storage.Objects;
using Stance.Storage.Objects.Folder;

namespace Stance.Tests.Storage.Objects;

/// <summary>The folder store that sharded runs on a local (or shared) folder coordinate through keeps the contract
/// S3 and Azure keep.</summary>
public sealed class FolderObjectStoreTests : ObjectStoreContract, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("stance-folder-store-").FullName;

    private protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(new FolderObjectStore(Path.Combine(_root, Guid.NewGuid().ToString("N"))));

    [Fact]
    public async Task OfTwoProcessesCreatingOneKeyAtOnceExactlyOneSucceeds()
    {
        // Two stores on one folder stand for two processes: each condition is checked under the folder's file lock.
        var first = new FolderObjectStore(_root);
        var second = new FolderObjectStore(_root);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? first : second)
            .PutAsync("race/marker.json", Text($"{{\"by\":{i}}}"), WriteCondition.IfAbsent, default)));

        Assert.Single(results, etag => etag is not null);
    }

    [Fact]
    public async Task TheLockFileAndStagedUploadsAreNotListedAsObjects()
    {
        var store = new FolderObjectStore(_root);
        await store.PutAsync(".stance/a.json", Text("1"), WriteCondition.IfAbsent, default);
        await store.StageAsync("t/part.parquet", Text("22"), default);

        var keys = (await store.ListAsync("", default)).Select(o => o.Key);

        Assert.Equal([".stance/a.json"], keys);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

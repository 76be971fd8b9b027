using System.Text;
using Stance.Storage.Objects;

namespace Stance.Tests.Storage.Objects;

/// <summary>What every <see cref="IObjectStore"/> must do, run against a real emulator by each derived class. Each
/// test works under a prefix of its own, so the tests of one class can share an emulator.</summary>
public abstract class ObjectStoreContract
{
    /// <summary>A store rooted at a fresh prefix; skips (with the reason) when the emulator cannot start.</summary>
    private protected abstract Task<IObjectStore> CreateStoreAsync();

    private protected static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private protected static async Task<string?> ReadAsync(IObjectStore store, string key)
    {
        using var buffer = new MemoryStream();
        return await store.DownloadAsync(key, buffer, CancellationToken.None)
            ? Encoding.UTF8.GetString(buffer.ToArray())
            : null;
    }

    [SkippableFact]
    public async Task AnObjectPutIsListedAndReadBack()
    {
        var store = await CreateStoreAsync();

        var etag = await store.PutAsync("a/b.json", Text("{\"x\":1}"), WriteCondition.None, default);

        Assert.False(string.IsNullOrEmpty(etag));
        var listed = Assert.Single(await store.ListAsync("a/", default));
        Assert.Equal(("a/b.json", 7L), (listed.Key, listed.Size));
        Assert.Equal("{\"x\":1}", await ReadAsync(store, "a/b.json"));
    }

    [SkippableFact]
    public async Task AnAbsentObjectIsNotDownloadedAndItsDeletionIsNotAnError()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await ReadAsync(store, "missing.json"));
        Assert.True(await store.DeleteAsync("missing.json", default));
    }

    [SkippableFact]
    public async Task ListingIsByPrefixInOrdinalOrderAndStopsAtTheStoresRoot()
    {
        var store = await CreateStoreAsync();
        foreach (var key in new[] { "t/run_date=2026-12-02/part-b.parquet", "t/run_date=2026-12-02/part-a.parquet",
            "t/run_date=2026-12-01/part-z.parquet", "u/other.json" })
        {
            await store.PutAsync(key, Text(key), WriteCondition.None, default);
        }

        var listed = (await store.ListAsync("t/", default)).Select(o => o.Key).ToList();
        var all = (await store.ListAsync(string.Empty, default)).Select(o => o.Key).ToList();

        Assert.Equal(
            ["t/run_date=2026-12-01/part-z.parquet", "t/run_date=2026-12-02/part-a.parquet",
                "t/run_date=2026-12-02/part-b.parquet"],
            listed);
        Assert.Equal(4, all.Count);
    }

    [SkippableFact]
    public async Task AWriteIfAbsentFailsWhenTheObjectExistsAndLeavesItAsItWas()
    {
        var store = await CreateStoreAsync();

        var first = await store.PutAsync("lock.json", Text("first"), WriteCondition.IfAbsent, default);
        var second = await store.PutAsync("lock.json", Text("second"), WriteCondition.IfAbsent, default);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal("first", await ReadAsync(store, "lock.json"));
    }

    [SkippableFact]
    public async Task AWriteIfMatchSucceedsOnlyWithTheCurrentETag()
    {
        var store = await CreateStoreAsync();
        var first = await store.PutAsync("lock.json", Text("first"), WriteCondition.None, default);
        var second = await store.PutAsync("lock.json", Text("second"), WriteCondition.IfMatch(first!), default);

        var stale = await store.PutAsync("lock.json", Text("third"), WriteCondition.IfMatch(first!), default);
        var absent = await store.PutAsync("none.json", Text("x"), WriteCondition.IfMatch(first!), default);

        Assert.NotNull(second);
        Assert.Null(stale);
        Assert.Null(absent);
        Assert.Equal("second", await ReadAsync(store, "lock.json"));
    }

    [SkippableFact]
    public async Task ADeleteIfMatchLeavesAnObjectWithAnotherETag()
    {
        var store = await CreateStoreAsync();
        var old = await store.PutAsync("lock.json", Text("old"), WriteCondition.None, default);
        await store.PutAsync("lock.json", Text("new"), WriteCondition.None, default);

        Assert.False(await store.DeleteAsync("lock.json", default, ifMatch: old));
        Assert.Equal("new", await ReadAsync(store, "lock.json"));
    }

    [SkippableFact]
    public async Task AStagedUploadIsInvisibleUntilCompletedThenWhole()
    {
        var store = await CreateStoreAsync();
        // Several blocks: larger than any SDK's single-request threshold is not needed, only more than one block.
        var content = new byte[(12 * 1024 * 1024) + 123];
        for (var i = 0; i < content.Length; i++)
        {
            content[i] = (byte)(i * 31 % 251);
        }

        var upload = await store.StageAsync("p/part-1.parquet", new MemoryStream(content), default);

        Assert.Empty(await store.ListAsync("p/", default));
        Assert.Null(await ReadAsync(store, "p/part-1.parquet"));
        Assert.Contains(await store.ListPendingAsync("p/", default), u => u.Key == "p/part-1.parquet");

        await store.CompleteAsync(upload, default);

        Assert.Equal(content.Length, Assert.Single(await store.ListAsync("p/", default)).Size);
        using var read = new MemoryStream();
        Assert.True(await store.DownloadAsync("p/part-1.parquet", read, default));
        Assert.Equal(content, read.ToArray());
        Assert.DoesNotContain(await store.ListPendingAsync("p/", default), u => u.Key == "p/part-1.parquet");
    }

    [SkippableFact]
    public async Task CompletingAnUploadTwiceIsNotAnError()
    {
        var store = await CreateStoreAsync();
        var upload = await store.StageAsync("p/part-2.parquet", Text("rows"), default);

        await store.CompleteAsync(upload, default);
        await store.CompleteAsync(upload, default);

        Assert.Equal("rows", await ReadAsync(store, "p/part-2.parquet"));
    }

    [SkippableFact]
    public async Task AnAbortedUploadLeavesNothingListedOrPending()
    {
        var store = await CreateStoreAsync();
        await store.StageAsync("p/part-3.parquet", Text("rows"), default);

        foreach (var pending in await store.ListPendingAsync("p/", default))
        {
            await store.AbortAsync(pending, default);
        }

        Assert.Empty(await store.ListAsync("p/", default));
        Assert.Empty(await store.ListPendingAsync("p/", default));
        Assert.Null(await ReadAsync(store, "p/part-3.parquet"));
    }

    [SkippableFact]
    public async Task CompletingAnAbortedUploadIsAnErrorNamingTheKey()
    {
        var store = await CreateStoreAsync();
        var upload = await store.StageAsync("p/part-4.parquet", Text("rows"), default);
        await store.AbortAsync(upload, default);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.CompleteAsync(upload, default));

        Assert.Contains("p/part-4.parquet", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task APendingUploadListedByAnotherProcessCanBeCompleted()
    {
        var store = await CreateStoreAsync();
        var staged = await store.StageAsync("p/part-5.parquet", Text("rows"), default);

        // What a commit record carries: the handle as plain data, completed by a later process.
        var carried = new PendingUpload(staged.Key, staged.UploadId, [.. staged.Parts]);
        await store.CompleteAsync(carried, default);

        Assert.Equal("rows", await ReadAsync(store, "p/part-5.parquet"));
    }
}

using Stance.Storage.Objects;
using Stance.Storage.Objects.S3;
using Stance.Tests.Support;

namespace Stance.Tests.Storage.Objects;

/// <summary>The store contract on S3 (s3rver, with the S3 features it lacks added by <c>s3rver.mjs</c>), and what is
/// particular to S3: conditional writes under contention, multipart parts, the endpoint settings and messages without
/// secrets.</summary>
public sealed class S3ObjectStoreTests(S3Emulator emulator) : ObjectStoreContract, IClassFixture<S3Emulator>
{
    private protected override Task<IObjectStore> CreateStoreAsync()
    {
        emulator.SkipIfUnavailable();
        return Task.FromResult<IObjectStore>(emulator.CreateStore());
    }

    [SkippableFact]
    public async Task OfSixteenConcurrentWritesIfAbsentOfOneKeyExactlyOneWins()
    {
        var store = await CreateStoreAsync();

        var etags = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => store.PutAsync("lock.json", Text($"writer {i}"), WriteCondition.IfAbsent, default))));

        var winner = Assert.Single(etags.Select((etag, i) => (etag, i)), w => w.etag is not null);
        Assert.Equal($"writer {winner.i}", await ReadAsync(store, "lock.json"));
    }

    [SkippableFact]
    public async Task AnEmptyStreamIsStagedAsOnePartAndCompletesAsAnEmptyObject()
    {
        var store = await CreateStoreAsync();

        var upload = await store.StageAsync("p/empty.parquet", new MemoryStream(), default);
        await store.CompleteAsync(upload, default);

        Assert.Single(upload.Parts);
        Assert.Equal(0, Assert.Single(await store.ListAsync("p/", default)).Size);
        Assert.Equal(string.Empty, await ReadAsync(store, "p/empty.parquet"));
    }

    [SkippableFact]
    public async Task AStreamOfExactlyOnePartSizeIsStagedAsOnePartAndLeavesNoUploadPending()
    {
        emulator.SkipIfUnavailable();
        var prefix = $"t-{Guid.NewGuid():N}";
        var store = emulator.CreateStore(prefix);
        var content = new byte[S3ObjectStore.PartSize];
        content[^1] = 42;

        var upload = await store.StageAsync("p/exact.parquet", new MemoryStream(content), default);
        await store.CompleteAsync(upload, default);

        Assert.Single(upload.Parts);
        using var read = new MemoryStream();
        Assert.True(await store.DownloadAsync("p/exact.parquet", read, default));
        Assert.Equal(content, read.ToArray());
        Assert.Empty(await emulator.ListPendingUploadsAsync(prefix));
    }

    [SkippableFact]
    public async Task ASecretAccessKeyNeverAppearsInTheMessagesWhenTheBucketIsMissing()
    {
        emulator.SkipIfUnavailable();
        const string canary = "CANARY-secret-0f9e8d7c6b5a4f3e2d1c";
        using var client = S3Emulator.CreateClient(
            new S3StorageOptions { ServiceUrl = emulator.ServiceUrl, ForcePathStyle = true }, secretKey: canary);
        var store = new S3ObjectStore(client, ObjectLocation.Parse("s3://no-such-bucket/root")!);

        List<Func<Task>> operations =
        [
            () => store.ListAsync("a/", default),
            () => store.PutAsync("a/b.json", Text("x"), WriteCondition.IfAbsent, default),
            () => store.DownloadAsync("a/b.json", new MemoryStream(), default),
            () => store.DeleteAsync("a/b.json", default),
            () => store.StageAsync("a/c.parquet", Text("rows"), default),
            () => store.ListPendingAsync("a/", default),
        ];
        foreach (var operation in operations)
        {
            var error = await Assert.ThrowsAsync<ObjectStoreException>(operation);

            Assert.Contains("s3://no-such-bucket/root/a/", error.Message, StringComparison.Ordinal);
            Assert.Contains("bucket exists", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, error.ToString(), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task TheServiceUrlOptionBeatsAwsEndpointUrl()
    {
        emulator.SkipIfUnavailable();
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:1",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1",
        };
        using var client = S3Emulator.CreateClient(
            new S3StorageOptions { ServiceUrl = emulator.ServiceUrl, ForcePathStyle = true }, environment);
        var store = new S3ObjectStore(client, new ObjectLocation(ObjectStoreKind.S3, emulator.Bucket, "opt", null));

        Assert.NotNull(await store.PutAsync("x.json", Text("x"), WriteCondition.None, default));
        Assert.Equal("x", await ReadAsync(store, "x.json"));
    }

    [SkippableFact]
    public async Task WithoutTheOptionAwsEndpointUrlS3BeatsAwsEndpointUrl()
    {
        emulator.SkipIfUnavailable();
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_S3"] = emulator.ServiceUrl,
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1",
        };
        using var client = S3Emulator.CreateClient(new S3StorageOptions { ForcePathStyle = true }, environment);
        var store = new S3ObjectStore(client, new ObjectLocation(ObjectStoreKind.S3, emulator.Bucket, "env", null));

        Assert.NotNull(await store.PutAsync("x.json", Text("x"), WriteCondition.None, default));
        Assert.Equal("x", await ReadAsync(store, "x.json"));
    }

    [Fact]
    public void TheServiceUrlComesFromTheOptionThenAwsEndpointUrlS3ThenAwsEndpointUrl()
    {
        var both = new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_S3"] = "http://s3-only:9000",
            ["AWS_ENDPOINT_URL"] = "http://all:9000",
        };
        Func<string, string?> env = name => both.GetValueOrDefault(name);

        Assert.Equal("http://option:9000", S3Clients.ServiceUrl(new() { ServiceUrl = "http://option:9000" }, env));
        Assert.Equal("http://s3-only:9000", S3Clients.ServiceUrl(new(), env));
        both.Remove("AWS_ENDPOINT_URL_S3");
        Assert.Equal("http://all:9000", S3Clients.ServiceUrl(new(), env));
        both["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
        Assert.Null(S3Clients.ServiceUrl(new(), env));
    }

    [Fact]
    public void TheRegionComesFromTheOptionThenAwsRegion()
    {
        Assert.Equal("eu-west-3", S3Clients.Region(new() { Region = "eu-west-3" }, _ => "us-west-2"));
        Assert.Equal("us-west-2", S3Clients.Region(new(), name => name == "AWS_REGION" ? "us-west-2" : null));
    }
}

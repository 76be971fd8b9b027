using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Stance.Scoring.Local;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Local;

/// <summary>The model download against a local hub of our own: checksum, resume, refusals and no network.</summary>
public sealed class ModelDownloaderTests : IAsyncLifetime
{
    private readonly TempFolder _cache = new();
    private readonly byte[] _model = RandomNumberGenerator.GetBytes(300_000);
    private ModelFileServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ModelFileServer.StartAsync();
        _server.Content = _model;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _cache.Dispose();
    }

    [Fact]
    public async Task AVerifiedDownloadLandsInTheCacheAndIsNotFetchedAgain()
    {
        var path = await Downloader().EnsureAsync(Model(), _cache.Path, default);

        Assert.Equal(_model, await File.ReadAllBytesAsync(path));
        Assert.EndsWith(Path.Combine("org", "tiny-GGUF", "main", "tiny.gguf"), path, StringComparison.Ordinal);
        Assert.Equal("/org/tiny-GGUF/resolve/main/tiny.gguf", Assert.Single(_server.Requests).Path);
        Assert.False(File.Exists(path + ".part"));

        Assert.Equal(path, await Downloader().EnsureAsync(Model(), _cache.Path, default));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task AChecksumMismatchIsRefusedAndTheDownloadDeleted()
    {
        var model = Model();
        model.Sha256 = new string('0', 64);

        var refused = await Assert.ThrowsAsync<ModelUnavailableException>(
            () => Downloader().EnsureAsync(model, _cache.Path, default));

        Assert.Contains(
            $"SHA-256 {Convert.ToHexStringLower(SHA256.HashData(_model))}, not the configured {model.Sha256}",
            refused.Message,
            StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_cache.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AnInterruptedTransferResumesWhereItStoppedWithARangeRequest()
    {
        _server.CutShort = (2, 100_000);

        var path = await Downloader().EnsureAsync(Model(), _cache.Path, default);

        Assert.Equal(_model, await File.ReadAllBytesAsync(path));
        var ranges = _server.Requests.Select(r => r.Range).ToList();
        Assert.Equal(3, ranges.Count);
        Assert.Null(ranges[0]);
        Assert.Equal("bytes=100000-", ranges[1]);
        Assert.Equal("bytes=200000-", ranges[2]);
    }

    [Fact]
    public async Task ATransferThatKeepsFailingKeepsThePartForTheNextRunWhichResumesIt()
    {
        _server.CutShort = (10, 50_000);

        var failed = await Assert.ThrowsAsync<ModelUnavailableException>(
            () => Downloader(resumes: 1).EnsureAsync(Model(), _cache.Path, default));

        Assert.Contains(
            "the partial file is kept and the next run resumes it", failed.Message, StringComparison.Ordinal);
        var files = Directory.GetFiles(_cache.Path, "*", SearchOption.AllDirectories);
        var parts = files.Where(f => f.EndsWith(".part", StringComparison.Ordinal)).ToList();
        Assert.True(
            parts.Count == 1,
            failed.Message + " | "
                + string.Join(", ", Directory.GetFileSystemEntries(_cache.Path, "*", SearchOption.AllDirectories))
                + " | " + string.Join(", ", _server.Requests));
        var part = parts[0];
        Assert.Equal(100_000, new FileInfo(part).Length);

        _server.CutShort = default;
        var path = await Downloader().EnsureAsync(Model(), _cache.Path, default);

        Assert.Equal(_model, await File.ReadAllBytesAsync(path));
        Assert.Equal("bytes=100000-", _server.Requests.Last().Range);
    }

    [Fact]
    public async Task WithNoNetworkTheErrorSaysHowToGoOn()
    {
        var model = Model();
        model.Endpoint = "http://127.0.0.1:9";

        var failed = await Assert.ThrowsAsync<ModelUnavailableException>(
            () => Downloader(resumes: 1).EnsureAsync(model, _cache.Path, default));

        Assert.Contains(
            "could not download tiny.gguf from http://127.0.0.1:9", failed.Message, StringComparison.Ordinal);
        Assert.Contains("pass --model-path", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingFileIsNamedAndTheTokenIsSentButNeverShown()
    {
        var model = Model();
        model.File = "nope/missing.gguf";
        model.Token = "hf_secret_canary";
        _server.Content = [];

        var failed = await Assert.ThrowsAsync<ModelUnavailableException>(
            () => Downloader().EnsureAsync(model, _cache.Path, default));

        Assert.Contains("does not exist", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hf_secret_canary", failed.Message, StringComparison.Ordinal);
        Assert.Equal("Bearer hf_secret_canary", Assert.Single(_server.Requests).Authorization);
    }

    private HuggingFaceModel Model() => new()
    {
        Repo = "org/tiny-GGUF",
        File = "tiny.gguf",
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(_model)),
        Endpoint = _server.Endpoint,
    };

    private static ModelDownloader Downloader(int resumes = 4) =>
        new(new HttpClient(), TimeProvider.System, NullLogger<ModelDownloader>.Instance)
        {
            MaxResumes = resumes,
            ResumeDelay = TimeSpan.FromMilliseconds(10),
        };
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Stance.Scoring.Local;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Local;

/// <summary>A local model is known by its file's SHA-256, hashed once and kept by path, size and last write
/// time.</summary>
public sealed class ModelFileHashTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Cache => Path.Combine(_folder.Path, "cache");

    [Fact]
    public void TheRecordedHashIsUsedWhilePathSizeAndWriteTimeMatchAndRecomputedWhenTheWriteTimeChanges()
    {
        var model = Path.Combine(_folder.Path, "model.gguf");
        File.WriteAllBytes(model, [1, 2, 3, 4]);
        var real = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model)));
        Assert.Equal(real, ModelFileHash.Sha256(model, Cache));

        // A record that says another hash proves it is read instead of hashing the file again.
        var record = ModelFileHash.RecordPath(Path.GetFullPath(model), Cache);
        var planted = new string('a', 64);
        var json = JsonNode.Parse(File.ReadAllText(record))!;
        json["Sha256"] = planted;
        File.WriteAllText(record, json.ToJsonString());
        Assert.Equal(planted, ModelFileHash.Sha256(model, Cache));

        File.SetLastWriteTimeUtc(model, File.GetLastWriteTimeUtc(model).AddMinutes(1));
        Assert.Equal(real, ModelFileHash.Sha256(model, Cache));
        Assert.Equal(real, JsonNode.Parse(File.ReadAllText(record))!["Sha256"]!.GetValue<string>());
    }

    [Fact]
    public void AFileReplacedUnderTheSameNameWithTheSameWriteTimeButAnotherSizeIsHashedAgain()
    {
        var model = Path.Combine(_folder.Path, "model.gguf");
        File.WriteAllBytes(model, [1, 2, 3, 4]);
        var written = File.GetLastWriteTimeUtc(model);
        var first = ModelFileHash.Sha256(model, Cache);

        File.WriteAllBytes(model, [1, 2, 3, 4, 5]);
        File.SetLastWriteTimeUtc(model, written);

        Assert.NotEqual(first, ModelFileHash.Sha256(model, Cache));
    }

    [Fact]
    public void TheModelNameIsTheFileNameAndTwelveHexDigitsOfItsContentHash()
    {
        var model = Path.Combine(_folder.Path, "same-name.gguf");
        File.WriteAllBytes(model, [1, 2, 3]);
        var options = new LocalModelOptions { ModelPath = model, CacheFolder = Cache };
        var first = LocalScoring.ModelName(options);

        File.WriteAllBytes(model, [3, 2, 1]);
        File.SetLastWriteTimeUtc(model, File.GetLastWriteTimeUtc(model).AddSeconds(5));
        var second = LocalScoring.ModelName(options);

        var expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model)))[..12];
        Assert.Equal($"same-name.gguf@{expected}", second);
        Assert.NotEqual(first, second);
        Assert.StartsWith("same-name.gguf@", first, StringComparison.Ordinal);
    }

    [Fact]
    public void ADownloadedModelIsNamedByItsPinnedHashWithoutReadingAnyFile()
    {
        var options = new LocalModelOptions
        {
            CacheFolder = Cache,
            HuggingFace = new HuggingFaceModel
            {
                Repo = "org/repo", File = "sub/tiny.gguf", Sha256 = "ABCDEF0123456789" + new string('0', 48),
            },
        };

        Assert.Equal("tiny.gguf@abcdef012345", LocalScoring.ModelName(options));
        Assert.False(Directory.Exists(Cache));
    }
}

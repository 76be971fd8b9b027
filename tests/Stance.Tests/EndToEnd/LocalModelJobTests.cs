using Stance.Contract;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>The whole job on an in-process GGUF model (LLamaSharp, CPU), no server: the test model writes gibberish,
/// so this proves loading, the chat format and the grammar, not the quality of the answers.</summary>
[Collection(RunsAlone.Name)]
public sealed class LocalModelJobTests : JobTestBase
{
    private readonly List<bool> _hashed = [];

    [SkippableFact]
    public async Task TheSeedScoredByTheLocalModelGivesTenOkRowsWithValidLabelsAtTheFirstAsk()
    {
        Skip.If(RepoPaths.Seed is null, RepoPaths.NoSeed);
        Skip.If(RepoPaths.TestModel is null, RepoPaths.NoTestModel);
        File.Copy(RepoPaths.Seed!, Path.Combine(Input, "commentary.txt"));

        var run = await StanceRunner.RunAsync([
            "--provider", "local", "--model-path", RepoPaths.TestModel!, "--input", Input, "--output", Output,
            "--prompts", RepoPaths.Prompts, "--Logging:LogLevel:Default=Information"]);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.Contains(
            run.Log,
            line => line.Contains("Local model stories260K.gguf loaded", StringComparison.Ordinal)
                && line.Contains("chat format chatml", StringComparison.Ordinal));
        var rows = DuckDb.Query($"SELECT * FROM {DuckDb.Table(Output, "paragraphs")} ORDER BY paragraph_index");
        Assert.Equal(10, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("ok", r["status"]);
            Assert.Equal("local", r["provider"]);
            Assert.Equal($"stories260K.gguf@{Sha256(RepoPaths.TestModel!)[..12]}", r["model"]);
            Assert.Equal(1, r["attempts"]);
            Assert.True(
                (int)r["input_tokens"]! > 500 && (int)r["output_tokens"]! > 20,
                $"tokens {r["input_tokens"]} / {r["output_tokens"]}");
            Assert.True(StanceContract.Agrees((string)r["stance_label"]!, (double)r["stance_score"]!));
            Assert.True(StanceContract.Agrees((string)r["sentiment_label"]!, (double)r["sentiment_score"]!));
            Assert.InRange((double)r["confidence"]!, 0, 1);
        });

        var targets = DuckDb.Query(
            $"SELECT t.*, p.text FROM {DuckDb.Table(Output, "targets")} t " +
            $"JOIN {DuckDb.Table(Output, "paragraphs")} p USING (paragraph_id)");
        Assert.All(targets, t =>
        {
            Assert.Contains((string)t["evidence"]!, (string)t["text"]!);
            Assert.True(StanceContract.Agrees((string)t["stance_label"]!, (double)t["stance_score"]!));
        });
        Assert.Superset(
            new HashSet<string>(["Armenia", "Azerbaijan", "United States"]),
            targets.Select(t => (string)t["target"]!).ToHashSet());
    }

    [SkippableFact]
    public async Task AModelPinnedOnTheHubIsDownloadedVerifiedCachedAndUsed()
    {
        Skip.If(RepoPaths.TestModel is null, RepoPaths.NoTestModel);
        await File.WriteAllTextAsync(
            Path.Combine(Input, "short.txt"),
            "A title\n\nThe U.S. criticised Azerbaijan again, and Armenia said nothing.\n");
        await using var hub = await ModelFileServer.StartAsync();
        hub.Content = await File.ReadAllBytesAsync(RepoPaths.TestModel!);
        var cache = Path.Combine(Folder.Path, "models");
        string[] args = ["--provider", "local", "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts,
            "--Stance:Llm:Local:HuggingFace:Repo=karpathy/tinyllamas",
            "--Stance:Llm:Local:HuggingFace:File=stories260K.gguf",
            "--Stance:Llm:Local:HuggingFace:Sha256=" +
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(hub.Content)),
            $"--Stance:Llm:Local:HuggingFace:Endpoint={hub.Endpoint}", $"--Stance:Llm:Local:CacheFolder={cache}"];

        var run = await StanceRunner.RunAsync(args);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.True(File.Exists(Path.Combine(cache, "karpathy", "tinyllamas", "main", "stories260K.gguf")));
        Assert.Contains(
            run.Log,
            line => line.Contains(
                "Model stories260K.gguf downloaded and its SHA-256 verified", StringComparison.Ordinal));
        Assert.Single(hub.Requests);
        var model = DuckDb.Query($"SELECT DISTINCT model FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.Equal($"stories260K.gguf@{Sha256(RepoPaths.TestModel!)[..12]}", Assert.Single(model)["model"]);

        var again = await StanceRunner.RunAsync([.. args, "--no-cache"]);

        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.Single(hub.Requests);
    }

    [SkippableFact]
    public async Task AModelFileReplacedUnderTheSameNameDoesNotReuseTheAnswersOfTheFileItReplaced()
    {
        Skip.If(RepoPaths.TestModel is null, RepoPaths.NoTestModel);
        var text = "A title\n\nThe U.S. criticised Azerbaijan again.\n";
        await File.WriteAllTextAsync(Path.Combine(Input, "short.txt"), text);
        var model = Path.Combine(Folder.Path, "models", "model.gguf");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.WriteAllBytes(model, File.ReadAllBytes(RepoPaths.TestModel!)); // a writable copy
        var cache = Path.Combine(Folder.Path, "cache");
        string[] args = ["--provider", "local", "--model-path", model, "--input", Input, "--output", Output,
            "--prompts", RepoPaths.Prompts, $"--Stance:Llm:Local:CacheFolder={cache}",
            "--Logging:LogLevel:Default=Information"];

        var first = await RunAndReadAsync(args);
        var unchanged = await RunAndReadAsync(args);
        GgufFile.CopyWithMetadata(RepoPaths.TestModel!, model, "general.description", "another build, same name");
        var replaced = await RunAndReadAsync(args);

        Assert.False(replaced.FromCache, "the replaced file reused the answers of the file it replaced");
        var (original, other) = (Sha256(RepoPaths.TestModel!)[..12], Sha256(model)[..12]);
        Assert.NotEqual(original, other);
        Assert.Equal(($"model.gguf@{original}", false), first);
        Assert.Equal(($"model.gguf@{original}", true), unchanged);
        Assert.Equal(($"model.gguf@{other}", false), replaced);
        Assert.Single(Directory.GetFiles(Path.Combine(cache, "hashes")));
        Assert.Equal([true, false, true], _hashed); // the unchanged file was not hashed again
    }

    [SkippableFact]
    public async Task AParagraphWhosePromptDoesNotFitTheContextIsAFailedRowNotACrash()
    {
        Skip.If(RepoPaths.TestModel is null, RepoPaths.NoTestModel);
        await File.WriteAllTextAsync(
            Path.Combine(Input, "short.txt"), "A title\n\nThe U.S. criticised Azerbaijan.\n\nArmenia said nothing.\n");

        var run = await StanceRunner.RunAsync([
            "--provider", "local", "--model-path", RepoPaths.TestModel!, "--input", Input, "--output", Output,
            "--prompts", RepoPaths.Prompts, "--Stance:Llm:Local:ContextSize=1024"]);

        Assert.Equal(ExitCodes.CompletedWithFailures, run.ExitCode);
        var rows = DuckDb.Query(
            $"SELECT status, error_kind, error, attempts FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("failed", r["status"]);
            Assert.Equal(FailureKind.ContextTooLong, r["error_kind"]);
            Assert.Contains(
                "does not fit the context of 1024 (Stance:Llm:Local:ContextSize)",
                (string)r["error"]!,
                StringComparison.Ordinal);
            Assert.Equal(1, r["attempts"]);
        });
    }

    [Fact]
    public async Task AFileThatIsNotAModelStopsTheRunWithExitCode7AndWritesNothing()
    {
        CopyFolder(RepoPaths.Data, Input);
        var notAModel = Path.Combine(Folder.Path, "broken.gguf");
        await File.WriteAllTextAsync(notAModel, "this is not a GGUF file");

        var run = await StanceRunner.RunAsync([
            "--provider", "local", "--model-path", notAModel, "--input", Input, "--output", Output,
            "--prompts", RepoPaths.Prompts]);

        Assert.Equal(ExitCodes.ModelUnavailable, run.ExitCode);
        Assert.Contains(
            run.Log,
            line => line.Contains("The local model is unavailable, nothing was scored", StringComparison.Ordinal)
                && line.Contains("broken.gguf", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(Output, "paragraphs")));
    }

    [Fact]
    public async Task TheLocalProviderWithoutAModelIsAConfigurationError()
    {
        CopyFolder(RepoPaths.Data, Input);

        var run = await StanceRunner.RunAsync(
            ["--provider", "local", "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts]);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains(
            run.Log,
            line => line.Contains(
                "Stance:Llm:Local:ModelPath: the local provider needs a GGUF file (--model-path)",
                StringComparison.Ordinal));
    }

    private static string Sha256(string path) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Runs the job and returns the one model of its rows and whether they all came from the cache; notes in
    /// <see cref="_hashed"/> whether the run hashed the model file.</summary>
    private async Task<(string Model, bool FromCache)> RunAndReadAsync(string[] args)
    {
        var run = await StanceRunner.RunAsync(args);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        _hashed.Add(run.Log.Any(line => line.Contains("Hashing model file model.gguf", StringComparison.Ordinal)));
        var rows = DuckDb.Query($"SELECT model, from_cache FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.NotEmpty(rows);
        Assert.Single(rows.Select(r => (string)r["model"]!).Distinct());
        Assert.Single(rows.Select(r => (bool)r["from_cache"]!).Distinct());
        return ((string)rows[0]["model"]!, (bool)rows[0]["from_cache"]!);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Stance.Journal;
using Stance.Output;
using Stance.Storage;
using Stance.Tests.Support;

namespace Stance.Tests.Output;

public sealed class ParquetOutputTests
{
    private static readonly RunStamp s_run =
        new("20261129T010000Z-aaaaaaaa", new DateOnly(2026, 11, 29), "openai", "m", "stance", "sha");

    [Fact]
    public async Task ACommitInterruptedByACrashIsFinishedByTheNextRunsRecovery()
    {
        using var folder = new TempFolder();
        var output = new ParquetOutput(NullLogger<ParquetOutput>.Instance);
        await output.WriteAsync(folder.Path, s_run with { RunId = "old" }, [Row("old")], [], CancellationToken.None);
        var partition = ParquetOutput.PartitionFolder(folder.Path, "paragraphs", s_run);
        var oldPart = Assert.Single(Directory.GetFiles(partition, "*.parquet"));

        // Simulate a crash after the commit record was written and the old part deleted, before the rename.
        var newPart = Path.Combine(partition, "part-new-00000.parquet");
        File.Copy(oldPart, DurableFile.TemporaryName(newPart));
        File.Delete(oldPart);
        var commit = Path.Combine(folder.Path, ".stance", "commit.json");
        var deleted = Path.GetRelativePath(folder.Path, oldPart);
        var from = Path.GetRelativePath(folder.Path, DurableFile.TemporaryName(newPart));
        var to = Path.GetRelativePath(folder.Path, newPart);
        File.WriteAllText(commit, $$"""{"Deletes":["{{deleted}}"],"Renames":[{"From":"{{from}}","To":"{{to}}"}]}""");
        File.WriteAllText(Path.Combine(partition, ".part-orphan-00000.parquet.tmp"), "half a file");

        output.Recover(folder.Path);

        Assert.Equal([newPart], Directory.GetFiles(partition));
        Assert.False(File.Exists(commit));
        Assert.Equal(1L, DuckDb.Query($"SELECT count(*) AS n FROM {DuckDb.Table(folder.Path, "paragraphs")}")[0]["n"]);
    }

    [Fact]
    public async Task ACommitSyncsEveryFolderWhoseEntriesItChanged()
    {
        using var folder = new TempFolder();
        var output = new ParquetOutput(NullLogger<ParquetOutput>.Instance);
        await output.WriteAsync(folder.Path, s_run with { RunId = "old" }, [Row("old")], [], CancellationToken.None);
        var paragraphs = ParquetOutput.PartitionFolder(folder.Path, "paragraphs", s_run);
        var targets = ParquetOutput.PartitionFolder(folder.Path, "targets", s_run);
        var state = Path.Combine(folder.Path, ".stance");
        var before = (
            DirectorySync.TimesSynced(paragraphs),
            DirectorySync.TimesSynced(targets),
            DirectorySync.TimesSynced(state));

        // A second commit deletes the first one's parts and renames its own into place, and removes its commit record.
        await output.WriteAsync(folder.Path, s_run, [Row(s_run.RunId)], [], CancellationToken.None);

        // Deletes are synced before the renames, then the renames, so each partition folder twice; the record's folder
        // once after the record is written (by rename) and once after it is removed.
        Assert.True(
            OperatingSystem.IsWindows() || DirectorySync.TimesSynced(paragraphs) - before.Item1 >= 2,
            "paragraphs partition not synced");
        Assert.True(
            OperatingSystem.IsWindows() || DirectorySync.TimesSynced(targets) - before.Item2 >= 2,
            "targets partition not synced");
        Assert.True(
            OperatingSystem.IsWindows() || DirectorySync.TimesSynced(state) - before.Item3 >= 2,
            "the commit record's folder not synced");
    }

    [SkippableFact]
    public void SyncingAFolderThatDoesNotExistFailsWithItsPath()
    {
        Skip.If(OperatingSystem.IsWindows(), "folders are not synced on Windows");
        var missing = Path.Combine(Path.GetTempPath(), "stance-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<OutputWriteException>(() => DirectorySync.Flush(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachFileCarriesTheRunInItsKeyValueMetadata()
    {
        using var folder = new TempFolder();
        await new ParquetOutput(NullLogger<ParquetOutput>.Instance).WriteAsync(
            folder.Path, s_run, [Row(s_run.RunId)], [], CancellationToken.None);

        var metadata = DuckDb.Query(
                "SELECT decode(key) AS k, decode(value) AS v " +
                $"FROM parquet_kv_metadata('{folder.Path}/paragraphs/**/*.parquet')")
            .ToDictionary(r => (string)r["k"]!, r => (string)r["v"]!);

        Assert.Equal(s_run.RunId, metadata["run_id"]);
        Assert.Equal("sha", metadata["prompt_sha256"]);
        Assert.Equal("m", metadata["model"]);
        Assert.Equal(ParquetOutput.SchemaVersion, metadata["stance_schema_version"]);
    }

    [Fact]
    public async Task AnEmptyTargetsTableIsStillAReadableFileWithItsColumns()
    {
        using var folder = new TempFolder();
        await new ParquetOutput(NullLogger<ParquetOutput>.Instance).WriteAsync(
            folder.Path, s_run, [Row(s_run.RunId)], [], CancellationToken.None);

        Assert.Equal(0L, DuckDb.Query($"SELECT count(*) AS n FROM {DuckDb.Table(folder.Path, "targets")}")[0]["n"]);
        Assert.Equal("BOOLEAN", DuckDb.Types(folder.Path, "targets")["watched"]);
    }

    private static ParagraphRow Row(string runId) => new()
    {
        RunId = runId, RunDate = s_run.RunDate, ScoredAt = DateTime.UtcNow, DocumentId = "d", SourcePath = "d",
        ParagraphIndex = 0, ParagraphId = "p", TextSha256 = "t", Text = "x", Provider = "openai", Model = "m",
        PromptName = "stance", PromptSha256 = "sha",
        Status = "ok", FromCache = false, Attempts = 1,
    };
}

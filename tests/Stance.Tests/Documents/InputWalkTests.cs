using Stance.Documents;
using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.Documents;

/// <summary>The input walk reads each real file once and never the job's own output (issue 12.7).</summary>
public sealed class InputWalkTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private readonly TempFolder _outside = new();

    public void Dispose()
    {
        _folder.Dispose();
        _outside.Dispose();
    }

    [Fact]
    public void ASymlinkLoopIsNotFollowedSoEachFileIsReadOnceAndTheLoopIsListedAsSkippedWithItsReason()
    {
        _folder.File("a/x.txt", "Title\n\nBody of x.");
        _folder.File("z.txt", "Title\n\nBody of z.");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "a", "up"), "..");

        var batch = DocumentReader.Read(_folder.Path);

        Assert.Equal(["a/x.txt", "z.txt"], batch.Documents.Select(d => d.Id));
        var loop = Assert.Single(batch.Problems);
        Assert.Equal("a/up", loop.SourcePath);
        Assert.Contains("symbolic link loop", loop.Reason);
        Assert.Contains("not followed", loop.Reason);
    }

    [Fact]
    public void AFolderReachedDirectlyAndThroughASymlinkIsReadOnceUnderItsOwnPath()
    {
        _folder.File("real/x.txt", "Title\n\nBody of x.");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "alias"), Path.Combine(_folder.Path, "real"));

        var batch = DocumentReader.Read(_folder.Path);

        Assert.Equal(["real/x.txt"], batch.Documents.Select(d => d.Id));
        var skipped = Assert.Single(batch.Problems);
        Assert.Equal("alias", skipped.SourcePath);
        Assert.Contains("the folder 'real', which is read already", skipped.Reason);
    }

    [Fact]
    public void ASymlinkedFolderOutsideTheInputIsFollowedOnceAndAFileLinkToAFileReadAlreadyIsSkipped()
    {
        _outside.File("feed/y.txt", "Title\n\nBody of y.");
        _folder.File("x.txt", "Title\n\nBody of x.");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "linked"), Path.Combine(_outside.Path, "feed"));
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "again.txt"), Path.Combine(_folder.Path, "x.txt"));
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "broken.txt"), Path.Combine(_folder.Path, "missing.txt"));

        var batch = DocumentReader.Read(_folder.Path);

        Assert.Equal(["linked/y.txt", "x.txt"], batch.Documents.Select(d => d.Id));
        var reasons = batch.Problems.ToDictionary(p => p.SourcePath, p => p.Reason);
        Assert.Equal(["again.txt", "broken.txt"], reasons.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("a symbolic link to 'x.txt', which is read already", reasons["again.txt"]);
        Assert.Contains("broken symbolic link", reasons["broken.txt"]);
    }

    [Fact]
    public void TheOutputFolderAndAJournalInsideTheInputAreNeverReadNorReported()
    {
        _folder.File("a.txt", "Title\n\nBody.");
        _folder.File("out/paragraphs/run_date=2026-11-29/part-x-00000.parquet", "PAR1");
        _folder.File("out/runs/run_date=2026-11-29/x.json", "{}");
        _folder.File("state/journal.db", "SQLite format 3");
        _folder.File("state/notes.txt", "Title\n\nA note beside the journal is input.");

        var options = new ReadOptions(
            Path.Combine(_folder.Path, "out"), Path.Combine(_folder.Path, "state", "journal.db"));
        var batch = DocumentReader.Read(_folder.Path, options);

        Assert.Equal(["a.txt", "state/notes.txt"], batch.Documents.Select(d => d.Id));
        Assert.Empty(batch.Problems);
    }

    [Fact]
    public async Task WithTheOutputInsideTheInputASecondRunReadsNoneOfTheFirstRunsFilesAndExitsZero()
    {
        _folder.File("data/commentary.txt", "Headline\n\nThe U.S. was wrong.\n\nArmenia agreed.");
        var input = Path.Combine(_folder.Path, "data");
        var output = Path.Combine(input, "out");
        string[] args = ["--input", input, "--output", output, "--prompts", RepoPaths.Prompts];

        var first = await StanceRunner.RunAsync(args);
        var second = await StanceRunner.RunAsync(args);

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (first.ExitCode, second.ExitCode));
        var manifests = Directory.GetFiles(Path.Combine(output, "runs"), "*.json", SearchOption.AllDirectories)
            .Select(RunManifest.Read).ToList();
        Assert.Equal(2, manifests.Count);
        Assert.All(manifests, m => Assert.Empty(m.BadDocuments));
        Assert.All(manifests, m => Assert.Equal(1, m.Counts.Documents));
    }
}

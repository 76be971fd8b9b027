using Parquet.Serialization;
using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>Several runs of one date into one output folder, as nightly operators make them (lexicon,
/// in-process).</summary>
public sealed class DatePartitionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Output => Path.Combine(_folder.Path, "out");

    [Fact]
    public async Task ARunOnAnotherFolderKeepsTheRowsOfTheDocumentsItDidNotRead()
    {
        var data = Folder("data");
        CopyData(data);
        var other = Folder("other");
        File.WriteAllText(Path.Combine(other, "new.txt"), "A new note\n\nAzerbaijan spoke first.\n\nArmenia answered.");

        Assert.Equal(ExitCodes.Ok, (await Run(data)).ExitCode);
        var second = await Run(other);

        Assert.Equal(ExitCodes.Ok, second.ExitCode);
        Assert.Equal(19L, Count());
        Assert.Equal(19L, Count("count(DISTINCT paragraph_id)"));
        var manifest = Latest();
        Assert.Equal(2, manifest.DateRuns.Count);
        Assert.Equal(17L, manifest.DateRuns.Single(r => r.Key != manifest.RunId).Value);
        Assert.Equal(2L, manifest.DateRuns[manifest.RunId]);
        Assert.NotEmpty(manifest.KeptFiles);

        // The same document again, edited: its rows are replaced, the others stay.
        File.WriteAllText(Path.Combine(other, "new.txt"), "A new note\n\nAzerbaijan spoke alone.");
        Assert.Equal(ExitCodes.Ok, (await Run(other)).ExitCode);
        Assert.Equal(18L, Count());
        Assert.Equal(0L, Count("count(*) FILTER (WHERE text = 'Armenia answered.')"));
        Assert.Equal(18L, Count("count(DISTINCT paragraph_id)"));
        // Targets follow their paragraphs: none left for a replaced paragraph, none twice.
        var orphans = DuckDb.Query(
            $"SELECT count(*) AS n FROM {DuckDb.Table(Output, "targets")} t " +
            $"WHERE NOT EXISTS (SELECT 1 FROM {DuckDb.Table(Output, "paragraphs")} p " +
            "WHERE p.paragraph_id = t.paragraph_id)");
        Assert.Equal(0L, orphans[0]["n"]);
        Assert.Equal(Count("count(*)", "targets"), Count("count(DISTINCT (paragraph_id, target))", "targets"));
        Assert.Equal(1L, Count("count(*) FILTER (WHERE document_id = 'new.txt')", "targets"));
    }

    [Fact]
    public async Task ADocumentReadAgainWithNoParagraphLeftLosesItsEarlierRows()
    {
        var input = Folder("in");
        File.WriteAllText(Path.Combine(input, "a.txt"), "A note\n\nAzerbaijan spoke first.\n\nArmenia answered.");
        File.WriteAllText(Path.Combine(input, "b.txt"), "B note\n\nThe U.S. listened.");
        Assert.Equal(ExitCodes.Ok, (await Run(input)).ExitCode);

        // An editor cut a.txt down to its title: it is read (and reported as having no paragraphs), so it is replaced.
        File.WriteAllText(Path.Combine(input, "a.txt"), "A note\n\n* * *");
        var run = await Run(input);

        Assert.Equal(ExitCodes.CompletedWithFailures, run.ExitCode);
        Assert.Equal(0L, Count("count(*) FILTER (WHERE document_id = 'a.txt')"));
        Assert.Equal(0L, Count("count(*) FILTER (WHERE document_id = 'a.txt')", "targets"));
        Assert.Equal(1L, Count());
    }

    [Fact]
    public async Task AnUnreadablePartInTheDateStopsTheRunWithItsPath()
    {
        var input = Folder("in");
        File.WriteAllText(Path.Combine(input, "a.txt"), "A note\n\nAzerbaijan spoke first.");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var junk = Path.Combine(Output, "paragraphs", $"run_date={today:yyyy-MM-dd}", "part-copied-by-hand.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(junk)!);
        File.WriteAllText(junk, "not parquet");

        var run = await Run(input);

        Assert.Equal(ExitCodes.OutputFailed, run.ExitCode);
        Assert.Contains($"could not read the earlier part {junk}", run.LogText, StringComparison.Ordinal);
        Assert.True(File.Exists(junk));
    }

    [Fact]
    public async Task AnInputWithNoDocumentIsAnErrorAndLeavesTheDateAsItWas()
    {
        var data = Folder("data");
        CopyData(data);
        Assert.Equal(ExitCodes.Ok, (await Run(data)).ExitCode);
        var before = Files();

        var empty = await Run(Folder("empty"));

        Assert.Equal(ExitCodes.NoInput, empty.ExitCode);
        Assert.Contains("holds no document", empty.LogText, StringComparison.Ordinal);
        Assert.Equal(before, Files());
        Assert.Equal(17L, Count());
    }

    [Fact]
    public async Task TheSnapshotModeReplacesTheWholeDate()
    {
        var data = Folder("data");
        CopyData(data);
        var other = Folder("other");
        File.WriteAllText(Path.Combine(other, "new.txt"), "A new note\n\nAzerbaijan spoke first.\n\nArmenia answered.");
        Assert.Equal(ExitCodes.Ok, (await Run(data)).ExitCode);

        var snapshot = await Run(other, "--Stance:Output:Replace=date");

        Assert.Equal(ExitCodes.Ok, snapshot.ExitCode);
        Assert.Equal(2L, Count());
        Assert.Equal([Latest().RunId], Latest().DateRuns.Keys);
    }

    [Fact]
    public async Task AnUnknownReplaceModeIsAConfigurationError()
    {
        var run = await Run(Folder("data"), "--Stance:Output:Replace=everything");

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains(
            "Stance:Output:Replace: 'everything' is not one of documents, date", run.LogText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowsOfAnOlderSchemaAreCarriedForwardWhenTheirPartIsRewritten()
    {
        // A part of today's date written before schema version 2, holding a document this run reads and one it does
        // not.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var part = Path.Combine(
            Output, "paragraphs", $"run_date={today:yyyy-MM-dd}", "part-20261120T020000Z-0123abcd-00000.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(part)!);
        await ParquetSerializer.SerializeAsync(
            new[]
            {
                ParagraphRowV1.Row("kept.txt", 0, "favor", 0.4, today),
                ParagraphRowV1.Row("new.txt", 0, "against", -0.5, today),
            },
            part);
        var input = Folder("in");
        File.WriteAllText(Path.Combine(input, "new.txt"), "A new note\n\nAzerbaijan spoke first.");

        var run = await Run(input);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.False(File.Exists(part));
        var rows = DuckDb.Query(
            "SELECT document_id, run_id, text, source, stance_label " +
            $"FROM {DuckDb.Table(Output, "paragraphs")} ORDER BY document_id");
        Assert.Equal(["kept.txt", "new.txt"], rows.Select(r => (string)r["document_id"]!));
        Assert.Equal(("20261120T020000Z-0123abcd", "Old paragraph 0 of kept.txt.", "favor"),
            ((string)rows[0]["run_id"]!, (string)rows[0]["text"]!, (string)rows[0]["stance_label"]!));
        Assert.Null(rows[0]["source"]);
        Assert.Equal("Azerbaijan spoke first.", rows[1]["text"]);
    }

    public void Dispose() => _folder.Dispose();

    private Task<RunResult> Run(string input, params string[] extra) =>
        StanceRunner.RunAsync(["--input", input, "--output", Output, "--prompts", RepoPaths.Prompts, .. extra]);

    private long Count(string what = "count(*)", string table = "paragraphs") =>
        (long)DuckDb.Query($"SELECT {what} AS n FROM {DuckDb.Table(Output, table)}")[0]["n"]!;

    private string[] Files() =>
        [.. Directory.GetFiles(Output, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    private RunManifest Latest() =>
        RunManifest.Read(Directory.GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)
            .OrderBy(f => RunManifest.Read(f).FinishedAt).Last());

    private string Folder(string name)
    {
        var path = Path.Combine(_folder.Path, name);
        Directory.CreateDirectory(path);
        return path;
    }

    private static void CopyData(string to)
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Data))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}

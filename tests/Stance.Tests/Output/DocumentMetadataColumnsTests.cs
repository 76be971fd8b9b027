using Parquet.Serialization;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Output;

/// <summary>The documents' own metadata in both tables (schema version 2), and a dataset that mixes nights written
/// before and after the bump read as one table by name (issue 12.10).</summary>
public sealed class DocumentMetadataColumnsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Input => Path.Combine(_folder.Path, "in");

    private string Output => Path.Combine(_folder.Path, "out");

    [Fact]
    public async Task SourceAndPublishedAtReachBothTablesAndTheOtherFieldsReachDocumentMeta()
    {
        WriteInput();

        var run = await StanceRunner.RunAsync(["--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var paragraphs = DuckDb.Query(
            "SELECT document_id, source, document_meta, " +
            "strftime(published_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') AS utc " +
            $"FROM {DuckDb.Table(Output, "paragraphs")} ORDER BY document_id, paragraph_index");
        Assert.Equal(
        [
            ("a", "Report.az", "2026-11-29T04:30:00", "{\"url\":\"https://x.az/1\",\"language\":\"az\"}"),
            ("b", null, null, null),
            ("note.md", "Azertac", "2026-11-23T00:00:00", "{\"author\":\"Ə. Məmmədov\"}"),
        ], paragraphs.Select(r =>
            ((string)r["document_id"]!, (string?)r["source"], (string?)r["utc"], (string?)r["document_meta"])));
        var targets = DuckDb.Query(
            "SELECT DISTINCT document_id, source, " +
            "strftime(published_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') AS utc " +
            $"FROM {DuckDb.Table(Output, "targets")} ORDER BY document_id");
        Assert.Equal(
            [
                ("a", "Report.az", "2026-11-29T04:30:00"), ("b", null, null),
                ("note.md", "Azertac", "2026-11-23T00:00:00"),
            ],
            targets.Select(r => ((string)r["document_id"]!, (string?)r["source"], (string?)r["utc"])));
    }

    [Fact]
    public async Task ANightWrittenWithSchemaVersion1AndOneWrittenAfterAreReadTogetherByNameWithNullsForTheNewColumns()
    {
        WriteInput();
        var oldNight = Path.Combine(
            Output, "paragraphs", "run_date=2026-11-20", "part-20261120T020000Z-0123abcd-00000.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(oldNight)!);
        await ParquetSerializer.SerializeAsync(
            new[] { ParagraphRowV1.Row("old.txt", 0, "against", -0.6), ParagraphRowV1.Row("old.txt", 1, "favor", 0.4) },
            oldNight);

        var run = await StanceRunner.RunAsync(["--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts]);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);

        var table = $"read_parquet('{Output}/paragraphs/**/*.parquet', hive_partitioning = true, union_by_name = true)";
        var nights = DuckDb.Query(
            "SELECT run_date = DATE '2026-11-20' AS old_night, count(*) AS n, count(source) AS sources, " +
            "count(published_at) AS dated, count(document_meta) AS metas, count(stance_score) AS scored " +
            $"FROM {table} GROUP BY ALL ORDER BY ALL");
        Assert.Equal(
            [(false, 3L, 2L, 2L, 2L, 3L), (true, 2L, 0L, 0L, 0L, 2L)],
            nights.Select(r => ((bool)r["old_night"]!, (long)r["n"]!, (long)r["sources"]!, (long)r["dated"]!,
                (long)r["metas"]!, (long)r["scored"]!)));

        // The documented "stance by week of publication and outlet" query runs on the mixed dataset.
        var weekly = DuckDb.Query(
            "SELECT date_trunc('week', published_at AT TIME ZONE 'UTC') AS week, source, count(*) AS paragraphs " +
            $"FROM {table} WHERE status = 'ok' AND published_at IS NOT NULL GROUP BY ALL ORDER BY ALL");
        Assert.Equal(
            [("Azertac", 1L), ("Report.az", 1L)], weekly.Select(r => ((string)r["source"]!, (long)r["paragraphs"]!)));
    }

    private void WriteInput()
    {
        Directory.CreateDirectory(Input);
        // One record a line: the first record's line is split where one raw literal ends and the next begins.
        File.WriteAllText(
            Path.Combine(Input, "feed.jsonl"),
            """
            {"id":"a","text":"The U.S. was wrong to blame Azerbaijan.","source":"Report.az",
            """ + """
            "published_at":"2026-11-29T08:30:00+04:00","url":"https://x.az/1","language":"az"}
            {"id":"b","text":"Armenia agreed with the U.S. plan."}

            """);
        File.WriteAllText(Path.Combine(Input, "note.md"),
            "---\nsource: Azertac\npublished_at: 2026-11-23\nauthor: Ə. Məmmədov\n---\n" +
            "# Note\n\nAzerbaijan welcomed the U.S. statement.\n");
    }
}

using System.Text.Json.Serialization;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;
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
        await ParquetSerializer.SerializeAsync(new[] { V1Row(0, "against", -0.6), V1Row(1, "favor", 0.4) }, oldNight);

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
        File.WriteAllText(Path.Combine(Input, "feed.jsonl"),
            """
            {"id":"a","text":"The U.S. was wrong to blame Azerbaijan.","source":"Report.az","published_at":"2026-11-29T08:30:00+04:00","url":"https://x.az/1","language":"az"}
            {"id":"b","text":"Armenia agreed with the U.S. plan."}

            """);
        File.WriteAllText(Path.Combine(Input, "note.md"),
            "---\nsource: Azertac\npublished_at: 2026-11-23\nauthor: Ə. Məmmədov\n---\n" +
            "# Note\n\nAzerbaijan welcomed the U.S. statement.\n");
    }

    private static ParagraphRowV1 V1Row(int index, string label, double score) => new()
    {
        RunId = "20261120T020000Z-0123abcd", RunDate = new DateOnly(2026, 11, 20),
        ScoredAt = new DateTime(2026, 11, 20, 2, 0, 1, DateTimeKind.Utc),
        DocumentId = "old.txt", DocumentTitle = "Old", SourcePath = "old.txt", ParagraphIndex = index,
        ParagraphId = $"old{index}", TextSha256 = new string('0', 64), Text = $"Old paragraph {index}.",
        Provider = "lexicon", Model = "stance-lexicon-v1",
        PromptName = "stance", PromptSha256 = new string('1', 64), Status = "ok", FromCache = false, Attempts = 1,
        SentimentScore = score, SentimentLabel = score < 0 ? "negative" : "positive", MainTarget = "United States",
        StanceLabel = label, StanceScore = score, Confidence = 0.5, Rationale = "Old.",
    };

    /// <summary>The <c>paragraphs</c> row of schema version 1, as nights before the bump wrote it.</summary>
    private sealed class ParagraphRowV1
    {
        [JsonPropertyName("run_id")] public required string RunId { get; init; }
        [JsonPropertyName("run_date")] public required DateOnly RunDate { get; init; }
        [JsonPropertyName("scored_at")]
        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)]
        public required DateTime ScoredAt { get; init; }

        [JsonPropertyName("document_id")] public required string DocumentId { get; init; }
        [JsonPropertyName("document_title")] public string? DocumentTitle { get; init; }
        [JsonPropertyName("source_path")] public required string SourcePath { get; init; }
        [JsonPropertyName("paragraph_index")] public required int ParagraphIndex { get; init; }
        [JsonPropertyName("paragraph_id")] public required string ParagraphId { get; init; }
        [JsonPropertyName("text_sha256")] public required string TextSha256 { get; init; }
        [JsonPropertyName("text")] public required string Text { get; init; }
        [JsonPropertyName("provider")] public required string Provider { get; init; }
        [JsonPropertyName("model")] public required string Model { get; init; }
        [JsonPropertyName("prompt_name")] public required string PromptName { get; init; }
        [JsonPropertyName("prompt_sha256")] public required string PromptSha256 { get; init; }
        [JsonPropertyName("status")] public required string Status { get; init; }
        [JsonPropertyName("error")] public string? Error { get; init; }
        [JsonPropertyName("error_kind")] public string? ErrorKind { get; init; }
        [JsonPropertyName("from_cache")] public required bool FromCache { get; init; }
        [JsonPropertyName("attempts")] public required int Attempts { get; init; }
        [JsonPropertyName("input_tokens")] public int? InputTokens { get; init; }
        [JsonPropertyName("output_tokens")] public int? OutputTokens { get; init; }
        [JsonPropertyName("latency_ms")] public double? LatencyMs { get; init; }
        [JsonPropertyName("sentiment_score")] public double? SentimentScore { get; init; }
        [JsonPropertyName("sentiment_label")] public string? SentimentLabel { get; init; }
        [JsonPropertyName("main_target")] public string? MainTarget { get; init; }
        [JsonPropertyName("stance_label")] public string? StanceLabel { get; init; }
        [JsonPropertyName("stance_score")] public double? StanceScore { get; init; }
        [JsonPropertyName("confidence")] public double? Confidence { get; init; }
        [JsonPropertyName("rationale")] public string? Rationale { get; init; }
    }
}

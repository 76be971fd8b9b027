using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace Stance.Tests.Support;

/// <summary>The <c>paragraphs</c> row of schema version 1, as nights before the bump wrote it.</summary>
internal sealed class ParagraphRowV1
{
    /// <summary>A v1 row of document <paramref name="document"/> scored on 2026-11-20.</summary>
    public static ParagraphRowV1 Row(
        string document, int index, string label, double score, DateOnly? runDate = null) => new()
        {
            RunId = "20261120T020000Z-0123abcd", RunDate = runDate ?? new DateOnly(2026, 11, 20),
            ScoredAt = new DateTime(2026, 11, 20, 2, 0, 1, DateTimeKind.Utc),
            DocumentId = document, DocumentTitle = "Old", SourcePath = document, ParagraphIndex = index,
            ParagraphId = $"{document}#{index}", TextSha256 = new string('0', 64),
            Text = $"Old paragraph {index} of {document}.",
            Provider = "lexicon", Model = "stance-lexicon-v1",
            PromptName = "stance", PromptSha256 = new string('1', 64), Status = "ok", FromCache = false, Attempts = 1,
            SentimentScore = score, SentimentLabel = score < 0 ? "negative" : "positive", MainTarget = "United States",
            StanceLabel = label, StanceScore = score, Confidence = 0.5, Rationale = "Old.",
        };

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

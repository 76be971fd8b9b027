using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace Stance.Output;

/// <summary>One row of the <c>paragraphs</c> table; see docs/output-schema.md.</summary>
internal sealed class ParagraphRow
{
    /// <summary>An empty row, for reading part files back (the reader sets every column it finds).</summary>
#pragma warning disable CS8618 // the reader sets the columns
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public ParagraphRow()
    {
    }
#pragma warning restore CS8618

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

    // Schema version 2: the document's own metadata (null when the input gives none).
    [JsonPropertyName("source")] public string? Source { get; init; }

    [JsonPropertyName("published_at")]
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)]
    public DateTime? PublishedAt { get; init; }

    [JsonPropertyName("document_meta")] public string? DocumentMeta { get; init; }

    // Schema version 3: how the answer was paid for.
    [JsonPropertyName("mode")] public string Mode { get; init; } = "sync";
    [JsonPropertyName("batch_id")] public string? BatchId { get; init; }

    // Schema version 3 (unreleased when added): prompt tokens served from the provider's prompt cache.
    [JsonPropertyName("cached_input_tokens")] public int? CachedInputTokens { get; init; }

    // Schema version 4: the stance label's probability from the answer's token log-probabilities.
    [JsonPropertyName("label_probability")] public double? LabelProbability { get; init; }
}

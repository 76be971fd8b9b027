using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace Stance.Output;

/// <summary>One row of the <c>targets</c> table: the stance toward one target in one paragraph.</summary>
internal sealed class TargetRow
{
    /// <summary>An empty row, for reading part files back (the reader sets every column it finds).</summary>
#pragma warning disable CS8618 // the reader sets the columns
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public TargetRow()
    {
    }
#pragma warning restore CS8618

    [JsonPropertyName("run_id")] public required string RunId { get; init; }
    [JsonPropertyName("run_date")] public required DateOnly RunDate { get; init; }
    [JsonPropertyName("document_id")] public required string DocumentId { get; init; }
    [JsonPropertyName("paragraph_id")] public required string ParagraphId { get; init; }
    [JsonPropertyName("paragraph_index")] public required int ParagraphIndex { get; init; }
    [JsonPropertyName("target")] public required string Target { get; init; }
    [JsonPropertyName("mention")] public string? Mention { get; init; }
    [JsonPropertyName("watched")] public required bool Watched { get; init; }
    [JsonPropertyName("stance_label")] public required string StanceLabel { get; init; }
    [JsonPropertyName("stance_score")] public required double StanceScore { get; init; }
    [JsonPropertyName("confidence")] public required double Confidence { get; init; }
    [JsonPropertyName("evidence")] public string? Evidence { get; init; }
    [JsonPropertyName("provider")] public required string Provider { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("prompt_sha256")] public required string PromptSha256 { get; init; }

    // Schema version 2: the document's outlet and publication time, for grouping targets without a join.
    [JsonPropertyName("source")] public string? Source { get; init; }

    [JsonPropertyName("published_at")]
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)]
    public DateTime? PublishedAt { get; init; }

    // Schema version 4: the stance label's probability from the answer's token log-probabilities.
    [JsonPropertyName("label_probability")] public double? LabelProbability { get; init; }
}

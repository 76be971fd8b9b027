using System.Text.Json.Serialization;

namespace Stance.Review;

/// <summary>The columns of a <c>targets</c> row the review reads (docs/output-schema.md); the others are not
/// read.</summary>
internal sealed class ReviewTargetRow
{
    [JsonPropertyName("document_id")] public string DocumentId { get; set; } = "";
    [JsonPropertyName("paragraph_id")] public string ParagraphId { get; set; } = "";
    [JsonPropertyName("target")] public string Target { get; set; } = "";
    [JsonPropertyName("stance_label")] public string StanceLabel { get; set; } = "";
    [JsonPropertyName("stance_score")] public double StanceScore { get; set; }
    [JsonPropertyName("confidence")] public double Confidence { get; set; }
    [JsonPropertyName("evidence")] public string? Evidence { get; set; }
    [JsonPropertyName("provider")] public string Provider { get; set; } = "";
    [JsonPropertyName("model")] public string Model { get; set; } = "";
    [JsonPropertyName("prompt_sha256")] public string PromptSha256 { get; set; } = "";

    /// <summary>The probability of the label, where a newer schema writes it (null in parts without the
    /// column).</summary>
    [JsonPropertyName(ReviewDataset.ProbabilityColumn)] public double? LabelProbability { get; set; }
}

/// <summary>The columns of a <c>paragraphs</c> row the review reads.</summary>
internal sealed class ReviewParagraphRow
{
    [JsonPropertyName("paragraph_id")] public string ParagraphId { get; set; } = "";
    [JsonPropertyName("document_title")] public string? DocumentTitle { get; set; }
    [JsonPropertyName("text")] public string Text { get; set; } = "";
}

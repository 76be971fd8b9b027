using System.Text.Json.Serialization;

namespace Stance.Evaluation;

/// <summary>One row of the <c>eval</c> table.</summary>
internal sealed class EvalRow
{
    [JsonPropertyName("run_id")] public required string RunId { get; init; }
    [JsonPropertyName("run_date")] public required DateOnly RunDate { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("target")] public required string Target { get; init; }
    [JsonPropertyName("text")] public required string Text { get; init; }
    [JsonPropertyName("gold_label")] public required string GoldLabel { get; init; }
    [JsonPropertyName("predicted_label")] public required string PredictedLabel { get; init; }
    [JsonPropertyName("stance_score")] public double? StanceScore { get; init; }
    [JsonPropertyName("confidence")] public double? Confidence { get; init; }
    [JsonPropertyName("label_probability")] public double? LabelProbability { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("provider")] public required string Provider { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("prompt_sha256")] public required string PromptSha256 { get; init; }
    [JsonPropertyName("prompt")] public required string Prompt { get; init; }
    [JsonPropertyName("comparison_id")] public string? ComparisonId { get; init; }
    [JsonPropertyName("from_cache")] public required bool FromCache { get; init; }
    [JsonPropertyName("repeat")] public required int Repeat { get; init; }
}

using System.Text.Json.Serialization;

namespace Stance.Reporting;

/// <summary>The columns of a <c>targets</c> row the trend charts read: a part file is read for these columns
/// only.</summary>
internal sealed class TrendRow
{
    [JsonPropertyName("target")] public string Target { get; set; } = string.Empty;
    [JsonPropertyName("watched")] public bool Watched { get; set; }
    [JsonPropertyName("stance_label")] public string StanceLabel { get; set; } = string.Empty;
    [JsonPropertyName("stance_score")] public double StanceScore { get; set; }
    [JsonPropertyName("model")] public string Model { get; set; } = string.Empty;
    [JsonPropertyName("prompt_sha256")] public string PromptSha256 { get; set; } = string.Empty;
}

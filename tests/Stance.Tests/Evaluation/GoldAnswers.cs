using System.Text.Json.Nodes;
using Stance.Tests.Support;

namespace Stance.Tests.Evaluation;

/// <summary>Answers for the bundled gold items whose label toward the gold target is known to be right or
/// wrong.</summary>
internal static class GoldAnswers
{
    /// <summary>A valid answer for a gold item's paragraph whose label toward the gold target is the gold label when
    /// <paramref name="right"/>, another label otherwise.</summary>
    public static string For(string paragraph, JsonNode item, bool right, double confidence = 0.7)
    {
        var answer = JsonNode.Parse(TestAnswers.For(paragraph))!;
        var (target, gold) = (item["target"]!.GetValue<string>(), item["label"]!.GetValue<string>());
        var label = (gold, right) switch
        {
            ("none", true) => "neutral",
            (_, true) => gold,
            ("favor", false) => "against",
            _ => "favor",
        };
        var score = label switch { "favor" => 0.6, "against" => -0.6, _ => 0.0 };
        var targets = answer["targets"]!.AsArray();
        var entry = targets.FirstOrDefault(t => t!["target"]!.GetValue<string>() == target);
        if (entry is null)
        {
            entry = new JsonObject { ["target"] = target, ["mention"] = target, ["confidence"] = 0.7 };
            targets.Add(entry);
        }

        entry["stance_label"] = label;
        entry["confidence"] = confidence;
        entry["stance_score"] = score;
        entry["evidence"] = paragraph[..Math.Min(20, paragraph.Length)];
        return answer.ToJsonString();
    }
}

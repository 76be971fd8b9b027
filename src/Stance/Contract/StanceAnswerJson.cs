using System.Text.Json;

namespace Stance.Contract;

/// <summary>Writes an answer in the shape of the prompt's JSON schema (snake_case, all fields present).</summary>
internal static class StanceAnswerJson
{
    /// <summary>The JSON text of <paramref name="answer"/>.</summary>
    public static string Serialize(StanceAnswer answer) => JsonSerializer.Serialize(new
    {
        sentiment_label = answer.SentimentLabel,
        sentiment_score = answer.SentimentScore,
        main_target = answer.MainTarget,
        stance_label = answer.StanceLabel,
        stance_score = answer.StanceScore,
        confidence = answer.Confidence,
        rationale = answer.Rationale,
        targets = answer.Targets.Select(t => new
        {
            target = t.Target,
            mention = t.Mention,
            stance_label = t.StanceLabel,
            stance_score = t.StanceScore,
            confidence = t.Confidence,
            evidence = t.Evidence,
        }),
    });
}

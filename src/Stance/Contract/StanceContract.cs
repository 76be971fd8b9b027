namespace Stance.Contract;

/// <summary>The labels and rules of the answer contract; the JSON schema in the prompt folder must agree with
/// them.</summary>
internal static class StanceContract
{
    /// <summary>Stance labels, in schema order.</summary>
    public static readonly IReadOnlyList<string> StanceLabels = ["favor", "against", "neutral"];

    /// <summary>Sentiment labels, in schema order.</summary>
    public static readonly IReadOnlyList<string> SentimentLabels = ["negative", "neutral", "positive"];

    /// <summary>The fields the code reads from an answer; the schema must define them all.</summary>
    public static readonly IReadOnlyList<string> AnswerFields =
        [
            "sentiment_label", "sentiment_score", "main_target", "stance_label", "stance_score", "confidence",
            "rationale", "targets",
        ];

    /// <summary>The fields the code reads from each entry of <c>targets</c>.</summary>
    public static readonly IReadOnlyList<string> TargetFields =
        ["target", "mention", "stance_label", "stance_score", "confidence", "evidence"];

    /// <summary>A neutral label needs a score within this distance of zero.</summary>
    public const double NeutralBand = 0.25;

    /// <summary>The label that a score implies when no label is given (used by the lexicon baseline).</summary>
    public static string StanceLabelFor(double score) =>
        score > NeutralBand ? "favor" : score < -NeutralBand ? "against" : "neutral";

    /// <summary>The sentiment label that a score implies.</summary>
    public static string SentimentLabelFor(double score) =>
        score > NeutralBand ? "positive" : score < -NeutralBand ? "negative" : "neutral";

    /// <summary>The JSON-schema bounds of the scores a label allows (the same rule as <see cref="Agrees"/>), used to
    /// narrow the schema for grammar-constrained models.</summary>
    public static IReadOnlyDictionary<string, double> ScoreBounds(string label) => label switch
    {
        "favor" or "positive" => new Dictionary<string, double> { ["exclusiveMinimum"] = 0, ["maximum"] = 1 },
        "against" or "negative" => new Dictionary<string, double> { ["minimum"] = -1, ["exclusiveMaximum"] = 0 },
        _ => new Dictionary<string, double> { ["minimum"] = -NeutralBand, ["maximum"] = NeutralBand },
    };

    /// <summary>True when the label agrees with the score's sign: positive labels above 0, negative below 0, neutral
    /// within the band.</summary>
    public static bool Agrees(string label, double score) => label switch
    {
        "favor" or "positive" => score > 0,
        "against" or "negative" => score < 0,
        "neutral" => Math.Abs(score) <= NeutralBand,
        _ => false,
    };
}

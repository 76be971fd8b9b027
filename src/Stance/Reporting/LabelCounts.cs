namespace Stance.Reporting;

/// <summary>One watched target's <c>targets</c> rows of one night (or of several nights pooled): the stance labels
/// counted and the scores summed.</summary>
internal sealed record LabelCounts(int Favor, int Against, int Neutral, double ScoreSum)
{
    /// <summary>No rows.</summary>
    public static LabelCounts Empty { get; } = new(0, 0, 0, 0);

    /// <summary>The rows: scored paragraphs that name the target (a failed paragraph has no <c>targets</c>
    /// row).</summary>
    public int Count => Favor + Against + Neutral;

    /// <summary>The mean stance score, or null without rows.</summary>
    public double? Mean => Count == 0 ? null : ScoreSum / Count;

    /// <summary>The counts in the order favor, against, neutral.</summary>
    public int[] Cells => [Favor, Against, Neutral];

    /// <summary>These rows plus one with <paramref name="label"/> and <paramref name="score"/> (a label outside the
    /// three is counted as neutral).</summary>
    public LabelCounts Add(string label, double score) => label switch
    {
        "favor" => this with { Favor = Favor + 1, ScoreSum = ScoreSum + score },
        "against" => this with { Against = Against + 1, ScoreSum = ScoreSum + score },
        _ => this with { Neutral = Neutral + 1, ScoreSum = ScoreSum + score },
    };

    /// <summary>Both nights' rows together.</summary>
    public LabelCounts Plus(LabelCounts other) =>
        new(Favor + other.Favor, Against + other.Against, Neutral + other.Neutral, ScoreSum + other.ScoreSum);
}

namespace Stance.Review;

/// <summary>One target row picked for review, joined with its paragraph.</summary>
/// <param name="Row">The target row.</param>
/// <param name="Paragraph">Its paragraph, or null when the date's paragraphs lack it.</param>
/// <param name="Score">The value the pick compared with the threshold (confidence or label probability).</param>
/// <param name="Reason">Why it was picked: <see cref="LowScore"/> or <see cref="Random"/>.</param>
internal sealed record ReviewItem(ReviewTargetRow Row, ReviewParagraphRow? Paragraph, double Score, string Reason)
{
    /// <summary>Below the threshold.</summary>
    public const string LowScore = "low_confidence";

    /// <summary>In the seeded random slice of the other rows.</summary>
    public const string Random = "random";

    /// <summary>The item's stable gold id.</summary>
    public string Id => ReviewIds.Of(Row.ParagraphId, Row.Target);
}

/// <summary>The gold id of a reviewed item.</summary>
internal static class ReviewIds
{
    /// <summary><c>&lt;paragraph_id&gt;:&lt;target&gt;</c>: stable across runs of the same text (the paragraph id
    /// hashes the document id and the text), and unambiguous (a paragraph id has no colon).</summary>
    public static string Of(string paragraphId, string target) => $"{paragraphId}:{target}";
}

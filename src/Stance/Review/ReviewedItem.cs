namespace Stance.Review;

/// <summary>One item a reviewer labelled, as it goes into the gold file.</summary>
/// <param name="Id">The stable gold id (<c>&lt;paragraph_id&gt;:&lt;target&gt;</c>).</param>
/// <param name="Target">The target the label is toward.</param>
/// <param name="Text">The paragraph.</param>
/// <param name="Label">favor, against or none.</param>
/// <param name="ParagraphId">The paragraph's id, when the task has it.</param>
/// <param name="DocumentId">The document's id, when the task has it.</param>
/// <param name="RunDate">The night the item was exported from, when the task has it.</param>
/// <param name="At">When the annotation was last changed (the minimum value when the export has no time).</param>
internal sealed record ReviewedItem(
    string Id,
    string Target,
    string Text,
    string Label,
    string? ParagraphId,
    string? DocumentId,
    string? RunDate,
    DateTimeOffset At);

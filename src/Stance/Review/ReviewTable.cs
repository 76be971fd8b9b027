namespace Stance.Review;

/// <summary>One <c>run_date</c> of the dataset as the review reads it: its target rows, and the paragraphs they
/// belong to by id.</summary>
/// <param name="Location">The dataset's root, for messages.</param>
/// <param name="RunDate">The partition read.</param>
/// <param name="Targets">Every target row of the date.</param>
/// <param name="Paragraphs">The paragraphs of the date by <c>paragraph_id</c>.</param>
/// <param name="HasProbabilityColumn">Whether any targets part has a <c>label_probability</c> column.</param>
internal sealed record ReviewTable(
    string Location,
    DateOnly RunDate,
    IReadOnlyList<ReviewTargetRow> Targets,
    IReadOnlyDictionary<string, ReviewParagraphRow> Paragraphs,
    bool HasProbabilityColumn);

using Stance.Documents;

namespace Stance.Paragraphs;

/// <summary>What was read: the paragraphs to score, bad documents (skipped whole) and skipped blocks.</summary>
internal sealed record ParagraphBatch(
    int Documents,
    IReadOnlyList<Paragraph> Paragraphs,
    IReadOnlyList<DocumentProblem> BadDocuments,
    IReadOnlyList<DocumentProblem> SkippedBlocks);

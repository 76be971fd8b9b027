namespace Stance.Documents;

/// <summary>What one read of the input folder found.</summary>
internal sealed record DocumentBatch(IReadOnlyList<SourceDocument> Documents, IReadOnlyList<DocumentProblem> Problems);

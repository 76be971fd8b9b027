using Stance.Documents;

namespace Stance.Paragraphs;

/// <summary>What reading the input found besides the paragraphs; filled while the paragraphs are read.</summary>
internal sealed class InputReport
{
    /// <summary>Documents read.</summary>
    public int Documents { get; set; }

    /// <summary>Called with each document's id as it is read (with or without paragraphs), on the reading
    /// thread.</summary>
    public Action<string>? DocumentRead { get; init; }

    /// <summary>Paragraphs yielded.</summary>
    public int Paragraphs { get; set; }

    /// <summary>Files, records and documents skipped whole, with the reason.</summary>
    public List<DocumentProblem> BadDocuments { get; } = [];

    /// <summary>Blocks skipped inside good documents, with the reason.</summary>
    public List<DocumentProblem> SkippedBlocks { get; } = [];
}

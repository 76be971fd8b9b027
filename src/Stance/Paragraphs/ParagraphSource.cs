using Stance.Documents;

namespace Stance.Paragraphs;

/// <summary>Reads the input folder into paragraphs, keeping every file, record and block it could not use, with the reason.</summary>
internal static class ParagraphSource
{
    /// <summary>Reads and splits every document below <paramref name="inputFolder"/>.</summary>
    public static ParagraphBatch Read(string inputFolder)
    {
        var batch = DocumentReader.Read(inputFolder);
        var bad = batch.Problems.ToList();
        var skipped = new List<DocumentProblem>();
        var paragraphs = new List<Paragraph>();
        foreach (var document in batch.Documents)
        {
            var split = ParagraphSplitter.Split(document);
            skipped.AddRange(split.Skipped.Select(reason => new DocumentProblem(document.Id, reason)));
            if (split.Paragraphs.Count == 0)
            {
                bad.Add(new DocumentProblem(document.Id, "no paragraphs besides the title"));
            }

            paragraphs.AddRange(split.Paragraphs);
        }

        return new ParagraphBatch(batch.Documents.Count, paragraphs, bad, skipped);
    }
}

/// <summary>What was read: the paragraphs to score, bad documents (skipped whole) and skipped blocks.</summary>
internal sealed record ParagraphBatch(int Documents, IReadOnlyList<Paragraph> Paragraphs, IReadOnlyList<DocumentProblem> BadDocuments, IReadOnlyList<DocumentProblem> SkippedBlocks);

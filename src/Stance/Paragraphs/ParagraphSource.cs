using Stance.Documents;

namespace Stance.Paragraphs;

/// <summary>Reads the input folder into paragraphs lazily, keeping every file, record and block it could not use, with
/// the reason, in <see cref="InputReport"/>.</summary>
internal static class ParagraphSource
{
    /// <summary>Reads and splits every document below <paramref name="inputFolder"/> (materialised; for planning and
    /// tests).</summary>
    public static ParagraphBatch Read(string inputFolder, ReadOptions? options = null)
    {
        var report = new InputReport();
        var paragraphs = Stream(inputFolder, report, options).ToList();
        return new ParagraphBatch(report.Documents, paragraphs, report.BadDocuments, report.SkippedBlocks);
    }

    /// <summary>Counts documents and paragraphs without keeping them (for progress and ETA): a second streaming
    /// read.</summary>
    public static (int Documents, int Paragraphs) Count(string inputFolder, ReadOptions? options = null)
    {
        var report = new InputReport();
        var paragraphs = 0;
        foreach (var _ in Stream(inputFolder, report, options))
        {
            paragraphs++;
        }

        return (report.Documents, paragraphs);
    }

    /// <summary>Yields the paragraphs of every document one document at a time; problems go to
    /// <paramref name="report"/>.</summary>
    public static IEnumerable<Paragraph> Stream(string inputFolder, InputReport report, ReadOptions? options = null)
    {
        foreach (var item in DocumentReader.Stream(inputFolder, options))
        {
            if (item.Problem is { } problem)
            {
                if (options?.Owns?.Invoke(problem.SourcePath) ?? true)
                {
                    report.BadDocuments.Add(problem);
                }

                continue;
            }

            var document = item.Document!;
            if (!(options?.Owns?.Invoke(document.Id) ?? true))
            {
                continue;
            }

            report.Documents++;
            report.DocumentRead?.Invoke(document.Id);
            var split = ParagraphSplitter.Split(document);
            report.SkippedBlocks.AddRange(split.Skipped.Select(reason => new DocumentProblem(document.Id, reason)));
            if (split.Paragraphs.Count == 0)
            {
                report.BadDocuments.Add(new DocumentProblem(document.Id, "no paragraphs besides the title"));
            }

            foreach (var paragraph in split.Paragraphs)
            {
                report.Paragraphs++;
                yield return paragraph;
            }
        }
    }
}

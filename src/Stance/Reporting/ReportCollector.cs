using Stance.Output;

namespace Stance.Reporting;

/// <summary>Gathers what the run report draws while rows stream past, in bounded memory: stance strips for the first
/// documents and a histogram of stance scores per target.</summary>
internal sealed class ReportCollector
{
    /// <summary>How many documents get a stance strip.</summary>
    public const int MaxStrips = 40;

    /// <summary>Histogram bins over [-1, 1].</summary>
    public const int Bins = 20;

    private readonly Dictionary<string, DocumentStrip> _strips = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _histograms = new(StringComparer.Ordinal);

    /// <summary>The strips, in the order documents were first seen.</summary>
    public IEnumerable<DocumentStrip> Strips => _strips.Values;

    /// <summary>Per target, the count of stance scores in each bin.</summary>
    public IReadOnlyDictionary<string, int[]> Histograms => _histograms;

    /// <summary>Adds one paragraph and its targets.</summary>
    public void Add(ParagraphRow paragraph, IEnumerable<TargetRow> targets)
    {
        var strip = _strips.GetValueOrDefault(paragraph.DocumentId);
        if (strip is null && _strips.Count < MaxStrips)
        {
            strip = new DocumentStrip(paragraph.DocumentId, paragraph.DocumentTitle);
            _strips[paragraph.DocumentId] = strip;
        }

        strip?.Paragraphs[paragraph.ParagraphIndex] = paragraph.Status;
        foreach (var target in targets)
        {
            strip?.Scores[(paragraph.ParagraphIndex, target.Target)] = target.StanceScore;
            var histogram = _histograms.TryGetValue(target.Target, out var h)
                ? h
                : _histograms[target.Target] = new int[Bins];
            histogram[Math.Clamp((int)((target.StanceScore + 1) / 2 * Bins), 0, Bins - 1)]++;
        }
    }
}

namespace Stance.Reporting;

/// <summary>One document's paragraphs (index → status) and stance scores (index, target → score).</summary>
internal sealed record DocumentStrip(string DocumentId, string? Title)
{
    /// <summary>Status by paragraph index.</summary>
    public SortedDictionary<int, string> Paragraphs { get; } = [];

    /// <summary>Stance score by paragraph index and target.</summary>
    public Dictionary<(int Index, string Target), double> Scores { get; } = [];
}

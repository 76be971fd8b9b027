namespace Stance.Paragraphs;

/// <summary>A document split into paragraphs.</summary>
internal sealed record SplitDocument(string? Title, IReadOnlyList<Paragraph> Paragraphs, IReadOnlyList<string> Skipped);

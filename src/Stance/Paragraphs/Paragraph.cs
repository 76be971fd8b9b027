namespace Stance.Paragraphs;

/// <summary>One paragraph of a document, the unit that is scored and written as one row.</summary>
/// <param name="DocumentId">The owning document's id.</param>
/// <param name="DocumentTitle">The owning document's title, or null.</param>
/// <param name="SourcePath">The file the paragraph came from, relative to the input folder.</param>
/// <param name="Index">Zero-based position within the document.</param>
/// <param name="Id">Stable id from the document id, the text hash and the occurrence of that text.</param>
/// <param name="TextSha256">Lower-case hex SHA-256 of <paramref name="Text"/> (UTF-8).</param>
/// <param name="Text">The paragraph with inner line breaks collapsed to spaces.</param>
/// <param name="Previous">The previous paragraph's text, given to the model as context, or null.</param>
/// <param name="FocusTarget">A target that must be scored even when it is not watched (an evaluation's gold target), or
/// null.</param>
/// <param name="Source">The document's outlet, or null.</param>
/// <param name="PublishedAt">The document's publication time in UTC, or null.</param>
/// <param name="DocumentMeta">The document's other metadata as a JSON object, or null.</param>
internal sealed record Paragraph(
    string DocumentId,
    string? DocumentTitle,
    string SourcePath,
    int Index,
    string Id,
    string TextSha256,
    string Text,
    string? Previous,
    string? FocusTarget = null,
    string? Source = null,
    DateTime? PublishedAt = null,
    string? DocumentMeta = null);

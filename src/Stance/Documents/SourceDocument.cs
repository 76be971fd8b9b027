namespace Stance.Documents;

/// <summary>A commentary read from the input folder, before it is split into paragraphs.</summary>
/// <param name="Id">Stable id: the relative path, or the JSONL <c>id</c> (else <c>path#line</c>).</param>
/// <param name="SourcePath">Path relative to the input folder, with forward slashes.</param>
/// <param name="Title">The title given by the file, or null.</param>
/// <param name="Text">The body with line endings normalised to <c>\n</c>.</param>
/// <param name="Format">How the body is laid out.</param>
/// <param name="Source">The outlet (<c>source</c> of the JSONL line or the front matter), or null.</param>
/// <param name="PublishedAt">When it was published (<c>published_at</c>), in UTC, or null.</param>
/// <param name="Meta">The line's or front matter's other fields as a JSON object, or null when there is none.</param>
internal sealed record SourceDocument(
    string Id,
    string SourcePath,
    string? Title,
    string Text,
    DocumentFormat Format,
    string? Source = null,
    DateTime? PublishedAt = null,
    string? Meta = null);

namespace Stance.Documents;

/// <summary>One item of a folder read: a document, or a file or record that could not be used.</summary>
internal sealed record ReadItem(SourceDocument? Document, DocumentProblem? Problem);

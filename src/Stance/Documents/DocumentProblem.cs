namespace Stance.Documents;

/// <summary>A file or record that could not be read; it is reported and skipped, never fatal.</summary>
internal sealed record DocumentProblem(string SourcePath, string Reason);

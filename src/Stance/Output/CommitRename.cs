namespace Stance.Output;

/// <summary>A part file to rename into place at commit.</summary>
internal sealed record CommitRename(string From, string To);

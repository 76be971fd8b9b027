namespace Stance.Documents;

/// <summary>A file to read (<paramref name="Problem"/> null), or an entry skipped with the reason.</summary>
internal sealed record WalkEntry(string Relative, string FullPath, string? Problem);

namespace Stance.Prompts;

/// <summary>A canonical target and its aliases.</summary>
internal sealed record WatchedTarget(string Name, IReadOnlyList<string> Aliases);

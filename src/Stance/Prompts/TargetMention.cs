namespace Stance.Prompts;

/// <summary>A literal mention of a watched target at a character offset.</summary>
internal sealed record TargetMention(string Target, string Mention, int Index);

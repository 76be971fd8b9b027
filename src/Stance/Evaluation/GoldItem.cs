namespace Stance.Evaluation;

/// <summary>One gold item.</summary>
internal sealed record GoldItem(string? Id, string Target, string Text, string Label);

namespace Stance.Reporting;

/// <summary>One run date of the trend window, read back from its committed <c>targets</c> parts.</summary>
/// <param name="Date">The run date.</param>
/// <param name="PromptSha256">The prompt hash most of the night's rows carry; null for a night without rows.</param>
/// <param name="Model">The model most of the night's rows carry; null for a night without rows.</param>
/// <param name="Targets">Per watched target, its rows of the night (absent: none).</param>
/// <param name="Changes">What differs from the last earlier night with rows: <c>prompt …</c>, <c>model …</c>;
/// empty when nothing does (and for the window's first night with rows).</param>
internal sealed record TrendNight(
    DateOnly Date,
    string? PromptSha256,
    string? Model,
    IReadOnlyDictionary<string, LabelCounts> Targets,
    IReadOnlyList<string> Changes)
{
    /// <summary>The rows of <paramref name="target"/>, empty when the night has none.</summary>
    public LabelCounts For(string target) => Targets.GetValueOrDefault(target) ?? LabelCounts.Empty;
}

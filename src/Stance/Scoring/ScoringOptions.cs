using System.ComponentModel.DataAnnotations;

namespace Stance.Scoring;

/// <summary>How many paragraphs are scored at once, bound from <c>Stance</c>.</summary>
internal sealed class ScoringOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>How many paragraphs are scored at once (the <c>local</c> provider sets 1).</summary>
    [Range(1, 512)]
    public int Concurrency { get; set; } = 4;
}

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

    /// <summary>DELIBERATE BACK-EDGE (reverted in the next commit): scoring reads the host's exit codes.</summary>
    public static int ExitCodeWhenDown => Hosting.ExitCodes.For(Contract.FailureKind.ProviderDown, allOk: false);
}

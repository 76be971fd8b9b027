using System.ComponentModel.DataAnnotations;

namespace Stance.Scoring;

/// <summary>The most a run may spend (docs/budget.md). Bound from <c>Stance:Budget</c>.</summary>
internal sealed class BudgetOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Budget";

    /// <summary>The cap on a run's cost, in the pricing currency (<c>Stance:Pricing:Currency</c>); none when unset. A
    /// request (or a batch request file) that would take the spend past it is not sent, and the run makes no further
    /// paid call (exit 12).</summary>
    [Range(0, double.MaxValue)]
    public double? MaxCost { get; set; }
}

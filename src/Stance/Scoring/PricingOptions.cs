using System.ComponentModel.DataAnnotations;

namespace Stance.Scoring;

/// <summary>Prices per million tokens, for the dry-run plan and the run summary.</summary>
internal sealed class PricingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Pricing";

    /// <summary>Price of a million input (prompt) tokens.</summary>
    [Range(0, double.MaxValue)]
    public double InputPerMillion { get; set; }

    /// <summary>Price of a million output (completion) tokens.</summary>
    [Range(0, double.MaxValue)]
    public double OutputPerMillion { get; set; }

    /// <summary>The share of the price a provider batch costs (OpenAI and Azure: half).</summary>
    [Range(0, 1)]
    public double BatchDiscount { get; set; } = 0.5;

    /// <summary>The currency the prices are in, for display.</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>The output tokens a dry run expects per call.</summary>
    [Range(0, int.MaxValue)]
    public int ExpectedOutputTokens { get; set; } = 250;

    /// <summary>The cost of the given tokens at these prices.</summary>
    public double Cost(long inputTokens, long outputTokens) =>
        Math.Round((inputTokens * InputPerMillion / 1e6) + (outputTokens * OutputPerMillion / 1e6), 6);
}

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

    /// <summary>Price of a million input tokens served from the provider's prompt cache; when unset they cost
    /// <see cref="InputPerMillion"/>.</summary>
    [Range(0, double.MaxValue)]
    public double? CachedInputPerMillion { get; set; }

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
    public double Cost(long inputTokens, long outputTokens) => Math.Round(Price(inputTokens, outputTokens), 6);

    /// <summary>The cost of the given tokens at these prices, unrounded; <paramref name="cachedInputTokens"/> (part of
    /// <paramref name="inputTokens"/>) at <see cref="CachedInputPerMillion"/>.</summary>
    public double Price(long inputTokens, long outputTokens, long cachedInputTokens = 0)
    {
        var cached = Math.Clamp(cachedInputTokens, 0, Math.Max(0, inputTokens));
        return ((inputTokens - cached) * InputPerMillion / 1e6)
            + (cached * (CachedInputPerMillion ?? InputPerMillion) / 1e6)
            + (outputTokens * OutputPerMillion / 1e6);
    }
}

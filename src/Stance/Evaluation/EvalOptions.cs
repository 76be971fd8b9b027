using System.ComponentModel.DataAnnotations;

namespace Stance.Evaluation;

/// <summary>How <c>--eval</c> measures trust in the labels, bound from <c>Stance:Evaluation</c>.</summary>
internal sealed class EvalOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Evaluation";

    /// <summary>Score the gold file this many more times with the configured prompt, bypassing the cache (and not
    /// journaling the repeats), to measure the model's agreement with itself (<c>--repeat k</c>); 0 for none. Each
    /// repeat is paid for.</summary>
    [Range(0, 50)]
    public int Repeat { get; set; }

    /// <summary>The temperature of the repeats; null keeps the prompt's (0 in the bundled prompt, where disagreement
    /// measures the provider's nondeterminism only).</summary>
    [Range(0.0, 2.0)]
    public double? RepeatTemperature { get; set; }

    /// <summary>The accuracy the calibration report finds a confidence threshold for.</summary>
    [Range(0.5, 1.0)]
    public double TargetAccuracy { get; set; } = 0.9;

    /// <summary>Equal-width confidence bins of the reliability table.</summary>
    [Range(2, 50)]
    public int Bins { get; set; } = 10;
}

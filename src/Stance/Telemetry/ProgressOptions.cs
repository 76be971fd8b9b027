using System.ComponentModel.DataAnnotations;

namespace Stance.Telemetry;

/// <summary>How often progress is logged, bound from <c>Stance</c>.</summary>
internal sealed class ProgressOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>How often progress is logged when the output is not a terminal.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "10675199.02:48:05.4775807")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);
}

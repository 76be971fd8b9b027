using System.ComponentModel.DataAnnotations;

namespace Stance.Scoring.Pacing;

/// <summary>How fast requests may go.</summary>
internal sealed class RateOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Rate";

    /// <summary>Requests per minute the client never exceeds (<c>--rpm</c>); null: unlimited, or learned from
    /// headers.</summary>
    [Range(1, int.MaxValue)]
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens per minute (prompt estimate + max tokens per request) the client never exceeds
    /// (<c>--tpm</c>).</summary>
    [Range(1, int.MaxValue)]
    public int? TokensPerMinute { get; set; }

    /// <summary>Adopt the <c>x-ratelimit-limit-*</c> the provider announces when no limit is configured.</summary>
    public bool UseProviderHeaders { get; set; } = true;

    /// <summary>Let the number of requests in flight adapt (AIMD) up to <c>Concurrency</c>
    /// (<c>--adaptive</c>).</summary>
    public bool AdaptiveConcurrency { get; set; }
}

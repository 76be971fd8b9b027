using System.ComponentModel.DataAnnotations;

namespace Stance.Alerts;

/// <summary>When a run raises an alert and where it is sent, bound from <c>Stance:Alerts</c> (docs/operations.md,
/// "Alerts").</summary>
internal sealed class AlertOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Alerts";

    /// <summary>The webhook's configuration key: a secret (the URL may carry a token), refused from repository
    /// files.</summary>
    public const string WebhookUrlKey = Section + ":" + nameof(WebhookUrl);

    /// <summary>How many run dates, ending with the run's own, the report's trend charts and the drift test
    /// read.</summary>
    [Range(2, 366)]
    public int TrendNights { get; set; } = 30;

    /// <summary>The fewest rows of a watched target both on the run's night and on the trailing nights pooled for its
    /// drift to be tested.</summary>
    [Range(1, int.MaxValue)]
    public int MinCount { get; set; } = 20;

    /// <summary>The population stability index at or above which the label distribution moved enough to
    /// matter.</summary>
    [Range(0.000001, double.MaxValue)]
    public double PsiThreshold { get; set; } = 0.25;

    /// <summary>The chi-square test's p-value below which the move is not sampling noise.</summary>
    [Range(0.000000001, 0.5)]
    public double PValue { get; set; } = 0.01;

    /// <summary>The share of failed paragraphs (failed / paragraphs) above which a run raises an alert.</summary>
    [Range(0.0, 1.0)]
    public double FailureShare { get; set; } = 0.2;

    /// <summary>An http(s) URL that receives a JSON POST when a run raises an alert; none when empty. A secret: from
    /// an environment variable or user-secrets only, never logged.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The bound on the webhook's attempts and waits together.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a failed POST is sent again.</summary>
    [Range(0, 10)]
    public int WebhookRetries { get; set; } = 3;

    /// <summary>The first wait before sending again; it doubles with each retry (with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The parsed <see cref="WebhookUrl"/>, or null when there is none.</summary>
    public Uri? Webhook => string.IsNullOrWhiteSpace(WebhookUrl) ? null : new Uri(WebhookUrl.Trim(), UriKind.Absolute);
}

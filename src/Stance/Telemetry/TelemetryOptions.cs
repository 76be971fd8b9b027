namespace Stance.Telemetry;

/// <summary>Metrics export through OpenTelemetry.</summary>
internal sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Telemetry";

    /// <summary><c>none</c>, <c>console</c> or <c>otlp</c>.</summary>
    public string Exporter { get; set; } = "none";

    /// <summary>The OTLP endpoint (default: the exporter's own, http://localhost:4317).</summary>
    public string? OtlpEndpoint { get; set; }
}

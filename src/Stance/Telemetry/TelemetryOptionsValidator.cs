using Microsoft.Extensions.Options;

namespace Stance.Telemetry;

/// <summary>Checks <see cref="TelemetryOptions"/> at start.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        options.Exporter.Trim().ToLowerInvariant() is "none" or "console" or "otlp"
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Stance:Telemetry:Exporter: '{options.Exporter}' is not none, console or otlp");
}

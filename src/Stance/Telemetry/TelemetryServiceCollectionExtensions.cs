using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Stance.Telemetry;

/// <summary>Registers the metrics, the progress counts and display, and an OpenTelemetry exporter when
/// configured.</summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The meters exported: the job's own and Polly's resilience telemetry.</summary>
    public static readonly string[] Meters = [StanceMetrics.MeterName, "Polly"];

    /// <summary>Adds <see cref="StanceMetrics"/>, <see cref="RunProgress"/>, <see cref="ProgressReporter"/>, and the
    /// exporter named by <c>Stance:Telemetry:Exporter</c> (<c>console</c> or <c>otlp</c>).</summary>
    public static IServiceCollection AddStanceTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.AddOptions<ProgressOptions>().BindConfiguration(ProgressOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ProgressOptions>, ProgressOptionsValidator>());
        services.AddMetrics();
        services.AddSingleton<StanceMetrics>();
        services.AddSingleton<RunProgress>();
        services.AddSingleton<ProgressReporter>();

        var exporter = configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.Exporter)}"]
            ?.Trim()
            .ToLowerInvariant();
        if (exporter is "console" or "otlp")
        {
            var endpoint = configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)}"];
            services.AddOpenTelemetry().WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (exporter == "console")
                {
                    metrics.AddConsoleExporter();
                }
                else
                {
                    metrics.AddOtlpExporter(otlp =>
                    {
                        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
                        {
                            otlp.Endpoint = uri;
                        }
                    });
                }
            });
        }

        return services;
    }
}

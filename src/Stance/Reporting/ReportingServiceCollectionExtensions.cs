using Microsoft.Extensions.DependencyInjection;

namespace Stance.Reporting;

/// <summary>Registers the run report's collector.</summary>
internal static class ReportingServiceCollectionExtensions
{
    /// <summary>Adds a <see cref="ReportCollector"/> per run (scope).</summary>
    public static IServiceCollection AddStanceReporting(this IServiceCollection services) =>
        services.AddScoped<ReportCollector>();
}

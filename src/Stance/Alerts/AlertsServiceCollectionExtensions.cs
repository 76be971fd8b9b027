using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Stance.Alerts;

/// <summary>Registers the run alerts and their webhook.</summary>
internal static class AlertsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AlertOptions"/> (validated at start), <see cref="RunAlerts"/>,
    /// <see cref="AlertWebhook"/>, its HTTP client (without request logging, which would print the URL) and its Polly
    /// pipeline.</summary>
    public static IServiceCollection AddStanceAlerts(this IServiceCollection services)
    {
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsRangeValidator>());
        services.AddHttpClient(AlertWebhook.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddResiliencePipeline<string, HttpResponseMessage>(AlertWebhook.PipelineName, (builder, context) =>
        {
            var sp = context.ServiceProvider;
            AlertWebhook.Configure(
                builder,
                sp.GetRequiredService<IOptions<AlertOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<AlertWebhook>());
        });
        services.TryAddSingleton<AlertWebhook>();
        services.TryAddSingleton<RunAlerts>();
        return services;
    }
}

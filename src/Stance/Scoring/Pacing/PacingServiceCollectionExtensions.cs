using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Scoring.Pacing;

/// <summary>Registers the client-side pacing: its options, the pacer and the handler that reads rate-limit
/// headers.</summary>
internal static class PacingServiceCollectionExtensions
{
    /// <summary>Adds <see cref="RateOptions"/> (validated at start), <see cref="RatePacer"/> and
    /// <see cref="RateLimitHeadersHandler"/>.</summary>
    public static IServiceCollection AddPacing(this IServiceCollection services)
    {
        services.AddOptions<RateOptions>().BindConfiguration(RateOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateOptions>, RateOptionsValidator>());
        services.AddSingleton(sp =>
        {
            var rate = sp.GetRequiredService<IOptions<RateOptions>>().Value;
            return new RatePacer(rate.RequestsPerMinute, rate.TokensPerMinute, rate.UseProviderHeaders);
        });
        services.AddTransient<RateLimitHeadersHandler>();
        return services;
    }

    /// <summary>The AIMD limiter when <c>--adaptive</c> is set, else null.</summary>
    internal static AdaptiveConcurrency? Adaptive(RateOptions rate, int concurrency) =>
        rate.AdaptiveConcurrency ? new AdaptiveConcurrency(Math.Max(1, concurrency / 4), concurrency) : null;
}

using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Sharding;

/// <summary>Registers the shard options.</summary>
internal static class ShardingServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ShardOptions"/> (validated at start), the shard index defaulting to
    /// <c>JOB_COMPLETION_INDEX</c>.</summary>
    public static IServiceCollection AddStanceSharding(this IServiceCollection services)
    {
        services.AddOptions<ShardOptions>()
            .BindConfiguration(ShardOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                if (options.ShardIndex is null
                    && int.TryParse(configuration[ShardOptions.CompletionIndexVariable], NumberStyles.None,
                        CultureInfo.InvariantCulture, out var index))
                {
                    options.ShardIndex = index;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShardOptions>, ShardOptionsValidator>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ShardOptions>, ShardOptionsRangeValidator>());
        return services;
    }
}

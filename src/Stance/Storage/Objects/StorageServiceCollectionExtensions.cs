using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Storage.Objects;

/// <summary>Registers the object stores and their options.</summary>
internal static class StorageServiceCollectionExtensions
{
    /// <summary>Adds <see cref="StorageOptions"/> (validated at start) and <see cref="IObjectStores"/>.</summary>
    public static IServiceCollection AddStanceStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsRangeValidator>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton<IObjectStores, ObjectStores>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Documents;

/// <summary>Registers the input's options.</summary>
internal static class DocumentsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="InputOptions"/>, validated at start.</summary>
    public static IServiceCollection AddStanceInput(this IServiceCollection services)
    {
        services.AddOptions<InputOptions>().BindConfiguration(InputOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InputOptions>, InputOptionsValidator>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<InputOptions>, InputLocationValidator>());
        return services;
    }
}

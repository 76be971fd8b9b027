using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Output;

/// <summary>Registers the Parquet writer and its options.</summary>
internal static class OutputServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ParquetOutput"/> and <see cref="OutputOptions"/> (validated at start).</summary>
    public static IServiceCollection AddStanceOutput(this IServiceCollection services)
    {
        services.AddOptions<OutputOptions>().BindConfiguration(OutputOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutputOptions>, OutputOptionsValidator>());
        return services.AddSingleton<ParquetOutput>();
    }
}

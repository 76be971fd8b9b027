using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Output;

/// <summary>Registers the Parquet writer and its options.</summary>
internal static class OutputServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ParquetOutput"/>, <see cref="OutputOptions"/> (validated at start) and a
    /// <see cref="RunTally"/> per run (scope).</summary>
    public static IServiceCollection AddStanceOutput(this IServiceCollection services)
    {
        services.AddOptions<OutputOptions>().BindConfiguration(OutputOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<OutputOptions>, OutputOptionsValidator>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<OutputOptions>, OutputOptionsRangeValidator>());
        services.AddScoped<RunTally>();
        return services.AddSingleton<ParquetOutput>();
    }
}

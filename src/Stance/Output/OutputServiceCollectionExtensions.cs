using Microsoft.Extensions.DependencyInjection;

namespace Stance.Output;

/// <summary>Registers the Parquet writer.</summary>
internal static class OutputServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ParquetOutput"/>.</summary>
    public static IServiceCollection AddStanceOutput(this IServiceCollection services) => services.AddSingleton<ParquetOutput>();
}

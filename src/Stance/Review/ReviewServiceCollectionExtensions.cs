using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Review;

/// <summary>Registers the human-review round trip.</summary>
internal static class ReviewServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ReviewOptions"/> (validated at start), the dataset reader, the exporter and the
    /// importer.</summary>
    public static IServiceCollection AddStanceReview(this IServiceCollection services)
    {
        services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ReviewOptions>, ReviewOptionsRangeValidator>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ReviewOptions>, ReviewOptionsValidator>());
        services.AddSingleton<ReviewDataset>();
        services.AddSingleton<ReviewExporter>();
        services.AddSingleton<ReviewImporter>();
        return services;
    }
}

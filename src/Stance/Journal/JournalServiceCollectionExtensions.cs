using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Journal;

/// <summary>Registers the journal's options and the per-run journal session.</summary>
internal static class JournalServiceCollectionExtensions
{
    /// <summary>Adds <see cref="JournalOptions"/> and a <see cref="JournalSession"/> per run (scope).</summary>
    public static IServiceCollection AddStanceJournal(this IServiceCollection services)
    {
        services.AddOptions<JournalOptions>().BindConfiguration(JournalOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<JournalOptions>, JournalOptionsValidator>());
        services.AddScoped<JournalSession>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Stance.Prompts;

/// <summary>Registers the prompt options and the loaded prompt folder.</summary>
internal static class PromptServiceCollectionExtensions
{
    /// <summary>Adds <see cref="PromptOptions"/> and the <see cref="StancePrompt"/> singleton, loaded from
    /// <c>Stance:Prompts</c> / <c>Stance:Prompt</c>.</summary>
    public static IServiceCollection AddStancePrompt(this IServiceCollection services)
    {
        services.AddOptions<PromptOptions>().BindConfiguration(PromptOptions.Section);
        return services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PromptOptions>>().Value;
            return PromptLoader.Load(options.Folder, options.GrammarSchema);
        });
    }
}

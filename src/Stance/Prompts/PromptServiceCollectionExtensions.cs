using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Stance.Hosting;

namespace Stance.Prompts;

/// <summary>Registers the loaded prompt folder.</summary>
internal static class PromptServiceCollectionExtensions
{
    /// <summary>Adds the <see cref="StancePrompt"/> singleton, loaded from <c>Stance:Prompts</c> / <c>Stance:Prompt</c>.</summary>
    public static IServiceCollection AddStancePrompt(this IServiceCollection services) =>
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StanceOptions>>().Value;
            return PromptLoader.Load(ResolveFolder(options), options.Llm.Provider);
        });

    /// <summary>The prompt folder: <c>Prompts</c> itself when it holds a template, else <c>Prompts/Prompt</c>.</summary>
    public static string ResolveFolder(StanceOptions options) =>
        File.Exists(Path.Combine(options.Prompts, PromptLoader.TemplateFile)) ? options.Prompts : Path.Combine(options.Prompts, options.Prompt);
}

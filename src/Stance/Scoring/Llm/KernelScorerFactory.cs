using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using Stance.Prompts;
using Stance.Telemetry;

namespace Stance.Scoring.Llm;

/// <summary>Makes the scorer of a language-model provider from the host's services: the kernel (over the host's
/// container, so its chat service is the one registered there), the prompt, the call policy and the settings.</summary>
internal static class KernelScorerFactory
{
    /// <summary>The scorer for <paramref name="provider"/> asking with <paramref name="prompt"/>.</summary>
    public static IParagraphScorer Create(IServiceProvider services, ScoringProvider provider, StancePrompt prompt)
    {
        var llm = services.GetRequiredService<IOptions<LlmOptions>>().Value;
        var model = services.GetRequiredService<ModelChoice>().Model;
        return new KernelParagraphScorer(
            services.GetRequiredService<Kernel>(),
            prompt,
            ExecutionSettings(prompt, llm, WantsLogprobs(provider, llm, model)),
            services.GetRequiredService<LlmCallPolicy>(),
            new LlmScorerInfo(provider.Name, model, llm.MaxRepairs, llm.RequireMentionedTargets, llm.MaxParagraphChars,
                NarrowSchema: provider.GrammarSchema),
            services.GetRequiredService<RunProgress>(),
            services.GetRequiredService<ILogger<KernelParagraphScorer>>(),
            provider.Prepare(services));
    }

    /// <summary>The prompt's own settings from config.json, with the token bound sent under the field the server
    /// wants.</summary>
    public static OpenAIPromptExecutionSettings ExecutionSettings(
        StancePrompt prompt,
        LlmOptions llm,
        bool logprobs = false)
    {
        var settings = OpenAIPromptExecutionSettings.FromExecutionSettings(prompt.Config.DefaultExecutionSettings);
        if (logprobs)
        {
            settings.Logprobs = true;
        }

        if (llm.MaxTokensField == "max_tokens" && settings.MaxTokens is { } maxTokens)
        {
            settings.ExtraBody = new Dictionary<string, object?> { ["max_tokens"] = maxTokens };
            settings.MaxTokens = null;
        }

        return settings;
    }

    /// <summary>Whether requests ask for token log-probabilities (<see cref="LlmOptions.Logprobs"/>).</summary>
    public static bool WantsLogprobs(ScoringProvider provider, LlmOptions llm, string model)
    {
        if (provider is Local.LocalProvider)
        {
            return false;
        }

        var name = ModelNames.Normalize(model);
        var reasoning = name.StartsWith("gpt-5", StringComparison.Ordinal) || ModelNames.IsOSeries(name);
        return llm.Logprobs ?? !reasoning;
    }
}

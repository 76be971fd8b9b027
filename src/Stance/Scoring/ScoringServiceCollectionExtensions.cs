using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using Stance.Prompts;
using Stance.Scoring.Batch;
using Stance.Scoring.Llm;
using Stance.Scoring.Local;
using Stance.Scoring.Pacing;

namespace Stance.Scoring;

/// <summary>Registers the scoring options, the scorer of the configured provider, its HTTP client, its Polly pipeline
/// and the per-run scoring.</summary>
internal static class ScoringServiceCollectionExtensions
{
    /// <summary>The DI key under which a host may register its own <see cref="IChatCompletionService"/> for the
    /// kernel (the benchmark's zero-latency fake).</summary>
    public const string ChatServiceKey = "stance-llm";

    /// <summary>Adds <see cref="IParagraphScorer"/> for <c>Stance:Llm:Provider</c>, the <see cref="RunBudget"/>
    /// (one for the process, started afresh by each run) and <see cref="ScoringRun"/>.</summary>
    public static IServiceCollection AddStanceScoring(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoringOptions();
        services.AddSingleton(sp => new RateLimitGate(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ProgressWatchdog(
            sp.GetRequiredService<IOptions<ResilienceOptions>>().Value.EffectiveNoProgressTimeout,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RunBudget>();
        services.AddPacing();
        services.AddLlmResilience();
        services.AddLocalModel();
        services.AddBatch();

        services.AddSingleton(sp =>
        {
            var llm = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            var provider = ScoringProviders.For(llm);
            return new ModelChoice(provider, provider.ModelName(llm, sp));
        });
        services.AddSingleton(sp => sp.GetKeyedService<IChatCompletionService>(ChatServiceKey) is { } own
            && sp.GetRequiredService<ModelChoice>().Provider is not LocalProvider
                ? own
                : sp.GetRequiredService<ModelChoice>().Provider.CreateChatService(
                    sp,
                    sp.GetRequiredService<IOptions<LlmOptions>>().Value,
                    sp.GetRequiredService<ModelChoice>().Model));
        services.AddKernel();
        services.AddSingleton(sp => sp.GetRequiredService<ModelChoice>().Provider.CreateScorer(
            sp, sp.GetRequiredService<StancePrompt>()));
        services.AddSingleton<PromptScorers>();
        services.AddScoped<ScoringRun>();
        return services;
    }

    private static void AddScoringOptions(this IServiceCollection services)
    {
        services.AddOptions<LlmOptions>()
            .BindConfiguration(LlmOptions.Section)
            .PostConfigure<IConfiguration>((llm, configuration) =>
            {
                llm.Provider = llm.Provider.Trim().ToLowerInvariant();
                ScoringProviders.Find(llm.Provider)?.PostConfigure(llm, configuration);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsRangeValidator>());

        services.AddOptions<ScoringOptions>()
            .BindConfiguration(ScoringOptions.Section)
            .PostConfigure<IOptions<LlmOptions>>((scoring, llm) =>
                ScoringProviders.Find(llm.Value.Provider)?.PostConfigure(scoring))
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ScoringOptions>, ScoringOptionsValidator>());

        services.AddOptions<ResilienceOptions>()
            .BindConfiguration(ResilienceOptions.Section)
            .PostConfigure<IOptions<LlmOptions>>((resilience, llm) =>
                ScoringProviders.Find(llm.Value.Provider)?.PostConfigure(resilience))
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ResilienceOptions>, ResilienceOptionsValidator>());

        services.AddOptions<PricingOptions>()
            .BindConfiguration(PricingOptions.Section)
            .PostConfigure<IOptions<LlmOptions>>((pricing, llm) =>
                ScoringProviders.Find(llm.Value.Provider)?.PostConfigure(pricing))
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<PricingOptions>, PricingOptionsValidator>());

        services.AddOptions<BudgetOptions>().BindConfiguration(BudgetOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<BudgetOptions>, BudgetOptionsValidator>());

        // The prompt's answer schema must suit a grammar when the provider decodes under one.
        services.AddOptions<PromptOptions>()
            .PostConfigure<IOptions<LlmOptions>>((prompt, llm) =>
                prompt.GrammarSchema = ScoringProviders.Find(llm.Value.Provider)?.GrammarSchema ?? false);
    }
}

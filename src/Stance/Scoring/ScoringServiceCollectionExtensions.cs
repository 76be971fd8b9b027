using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using Polly;
using Polly.Registry;
using Stance.Hosting;
using Stance.Prompts;
using Stance.Scoring.Lexicon;
using Stance.Scoring.Llm;
using Stance.Scoring.Local;
using Stance.Scoring.Pacing;
using Stance.Telemetry;

namespace Stance.Scoring;

/// <summary>Registers the scorer of the configured provider, its HTTP client and its Polly pipeline.</summary>
internal static class ScoringServiceCollectionExtensions
{
    /// <summary>The named HTTP client given to Semantic Kernel, so the OpenAI SDK's own retries are off and Polly owns them.</summary>
    public const string HttpClientName = "stance-llm";

    /// <summary>The DI key under which a host may register its own <see cref="IChatCompletionService"/> for the kernel.</summary>
    public const string ChatServiceKey = "stance-llm";

    /// <summary>Adds <see cref="IParagraphScorer"/> for <c>Stance:Llm:Provider</c>.</summary>
    public static IServiceCollection AddStanceScoring(this IServiceCollection services)
    {
        services.AddSingleton(sp => new RateLimitGate(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ProgressWatchdog(
            sp.GetRequiredService<IOptions<StanceOptions>>().Value.Resilience.EffectiveNoProgressTimeout,
            sp.GetRequiredService<TimeProvider>()));

        // Polly reports each attempt timeout as an Error event; the job logs each retry in one line of its own.
        services.Configure<Polly.Telemetry.TelemetryOptions>(telemetry => telemetry.SeverityProvider = args =>
            args.Event.EventName == "OnTimeout"
                ? Polly.Telemetry.ResilienceEventSeverity.Information
                : args.Event.Severity);
        services.AddSingleton(sp =>
        {
            var rate = sp.GetRequiredService<IOptions<StanceOptions>>().Value.Rate;
            return new RatePacer(rate.RequestsPerMinute, rate.TokensPerMinute, rate.UseProviderHeaders);
        });
        services.AddTransient<RateLimitHeadersHandler>();
        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<RateLimitHeadersHandler>();
        services.AddResiliencePipeline(LlmResilience.PipelineName, (builder, context) =>
        {
            var sp = context.ServiceProvider;
            LlmResilience.Configure(builder, sp.GetRequiredService<IOptions<StanceOptions>>().Value.Resilience,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RateLimitGate>(), sp.GetRequiredService<RunProgress>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LlmResilience)));
        });
        services.AddResiliencePipeline(LlmResilience.AttemptPipelineName, (builder, context) =>
            LlmResilience.ConfigureAttempt(builder, context.ServiceProvider.GetRequiredService<IOptions<StanceOptions>>().Value.Resilience,
                context.ServiceProvider.GetRequiredService<TimeProvider>()));
        services.AddLocalModel();
        services.AddSingleton(CreateScorer);
        return services;
    }

    private static IParagraphScorer CreateScorer(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<StanceOptions>>().Value;
        var llm = options.Llm;
        var prompt = sp.GetRequiredService<StancePrompt>();
        if (llm.Provider == LexiconScorer.ProviderName)
        {
            return new LexiconScorer(prompt);
        }

        var local = llm.Provider == LocalScoring.ProviderName ? sp.GetRequiredService<LocalModel>() : null;
        var model = llm.Provider switch
        {
            "azure" => llm.Deployment ?? llm.Model,
            LocalScoring.ProviderName =>
                LocalScoring.ModelName(llm.Local, sp.GetRequiredService<ILogger<LocalModel>>()),
            _ => llm.Model,
        };
        var httpClient = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(sp.GetRequiredService<ILoggerFactory>());
        if (local is not null)
        {
            builder.Services.AddSingleton<IChatCompletionService>(new LocalChatCompletionService(local, model));
        }
        else if (sp.GetKeyedService<IChatCompletionService>(ChatServiceKey) is { } own)
        {
            // A chat service registered by the host (an in-process model, or the benchmark's zero-latency fake).
            builder.Services.AddSingleton(own);
        }
        else if (llm.Endpoint is null)
        {
            // No key only when planning (--dry-run, --check-prompts): the validator requires one for a run.
            builder.AddOpenAIChatCompletion(model, string.IsNullOrWhiteSpace(llm.ApiKey) ? "no-key" : llm.ApiKey,
                httpClient: httpClient);
        }
        else
        {
            // Local OpenAI-compatible servers often need no key, but the client wants one.
            builder.AddOpenAIChatCompletion(model, EndpointFor(llm), string.IsNullOrWhiteSpace(llm.ApiKey) ? "no-key" : llm.ApiKey, httpClient: httpClient);
        }

        return new KernelParagraphScorer(
            builder.Build(),
            prompt,
            ExecutionSettings(prompt, llm),
            new LlmCallPolicy(
                sp.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(LlmResilience.PipelineName),
                sp.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(LlmResilience.AttemptPipelineName),
                sp.GetRequiredService<RateLimitGate>(),
                sp.GetRequiredService<RatePacer>(),
                options.Rate.AdaptiveConcurrency ? new AdaptiveConcurrency(Math.Max(1, options.Concurrency / 4), options.Concurrency) : null,
                sp.GetRequiredService<RunProgress>(),
                sp.GetRequiredService<ProgressWatchdog>(),
                options.Resilience.MaxRetryAfter,
                sp.GetRequiredService<TimeProvider>()),
            new LlmScorerInfo(llm.Provider, model, llm.MaxRepairs, llm.RequireMentionedTargets, llm.MaxParagraphChars, NarrowSchema: local is not null),
            sp.GetRequiredService<RunProgress>(),
            sp.GetRequiredService<ILogger<KernelParagraphScorer>>(),
            local is null ? null : local.LoadAsync);
    }

    /// <summary>The OpenAI-compatible base URL: as given when it has a path, <c>/v1</c> added to a bare host, or Azure
    /// OpenAI's v1 route under the resource URL.</summary>
    internal static Uri EndpointFor(LlmOptions llm)
    {
        var endpoint = llm.Endpoint!.TrimEnd('/');
        var bareHost = new Uri(endpoint).AbsolutePath is "" or "/";
        return llm.Provider == "azure" && !endpoint.Contains("/openai", StringComparison.OrdinalIgnoreCase)
            ? new Uri(endpoint + "/openai/v1/")
            : new Uri(endpoint + (bareHost ? "/v1/" : "/"));
    }

    /// <summary>The prompt's own settings from config.json, with the token bound sent under the field the server wants.</summary>
    internal static OpenAIPromptExecutionSettings ExecutionSettings(StancePrompt prompt, LlmOptions llm)
    {
        var settings = OpenAIPromptExecutionSettings.FromExecutionSettings(prompt.Config.DefaultExecutionSettings);
        if (llm.MaxTokensField == "max_tokens" && settings.MaxTokens is { } maxTokens)
        {
            settings.ExtraBody = new Dictionary<string, object?> { ["max_tokens"] = maxTokens };
            settings.MaxTokens = null;
        }

        return settings;
    }
}

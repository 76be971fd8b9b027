using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Stance.Scoring.Pacing;
using Stance.Telemetry;

namespace Stance.Scoring.Llm;

/// <summary>Registers what every call to a language model goes through: the resilience options, the Polly pipelines,
/// the HTTP client and the call policy.</summary>
internal static class LlmServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ResilienceOptions"/>' pipelines, the <c>stance-llm</c> HTTP client and
    /// <see cref="LlmCallPolicy"/>.</summary>
    public static IServiceCollection AddLlmResilience(this IServiceCollection services)
    {
        // Polly reports each attempt timeout as an Error event; the job logs each retry in one line of its own.
        services.Configure<Polly.Telemetry.TelemetryOptions>(telemetry => telemetry.SeverityProvider = args =>
            args.Event.EventName == "OnTimeout"
                ? Polly.Telemetry.ResilienceEventSeverity.Information
                : args.Event.Severity);
        services
            .AddHttpClient(OpenAiCompatibleProvider.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<RateLimitHeadersHandler>()
            .AddHttpMessageHandler<AnswerTokensHandler>();
        services.TryAddTransient<AnswerTokensHandler>();
        services.AddResiliencePipeline(LlmResilience.PipelineName, (builder, context) =>
        {
            var sp = context.ServiceProvider;
            LlmResilience.Configure(
                builder,
                sp.GetRequiredService<IOptions<ResilienceOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<RateLimitGate>(),
                sp.GetRequiredService<RunProgress>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LlmResilience)));
        });
        services.AddResiliencePipeline(LlmResilience.AttemptPipelineName, (builder, context) =>
            LlmResilience.ConfigureAttempt(builder,
                context.ServiceProvider.GetRequiredService<IOptions<ResilienceOptions>>().Value,
                context.ServiceProvider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var pipelines = sp.GetRequiredService<ResiliencePipelineProvider<string>>();
            return new LlmCallPolicy(
                pipelines.GetPipeline(LlmResilience.PipelineName),
                pipelines.GetPipeline(LlmResilience.AttemptPipelineName),
                sp.GetRequiredService<RateLimitGate>(),
                sp.GetRequiredService<RatePacer>(),
                PacingServiceCollectionExtensions.Adaptive(
                    sp.GetRequiredService<IOptions<RateOptions>>().Value,
                    sp.GetRequiredService<IOptions<ScoringOptions>>().Value.Concurrency),
                sp.GetRequiredService<RunProgress>(),
                sp.GetRequiredService<ProgressWatchdog>(),
                sp.GetRequiredService<IOptions<ResilienceOptions>>().Value.MaxRetryAfter,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<RunBudget>());
        });
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using Stance.Scoring.Llm;

namespace Stance.Scoring.Batch;

/// <summary>Registers the Batch API mode: its options, the request capture, the Files and Batches client and the
/// batch step.</summary>
internal static class BatchServiceCollectionExtensions
{
    /// <summary>The named HTTP client of the Batch API (no timeout of its own: downloads may be long; each call has
    /// the attempt timeout of <c>Stance:Resilience</c>).</summary>
    public const string HttpClientName = "stance-batch";

    /// <summary>Adds <see cref="BatchOptions"/> (validated at start), <see cref="BatchRunner"/> and what it
    /// uses.</summary>
    public static IServiceCollection AddBatch(this IServiceCollection services)
    {
        services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchOptions>, BatchOptionsValidator>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<BatchOptions>, BatchOptionsRangeValidator>());
        services.AddSingleton<RequestCapture>();
        services.AddKeyedSingleton<IChatCompletionService>(RequestCapture.ServiceKey, (sp, _) =>
        {
            var choice = sp.GetRequiredService<ModelChoice>();
            var provider = choice.Provider as OpenAiCompatibleProvider
                ?? throw new NotSupportedException($"the provider '{choice.Provider.Name}' has no Batch API");
            var http = new HttpClient(sp.GetRequiredService<RequestCapture>(), disposeHandler: false);
            var llm = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            return provider.CreateChatService(sp, llm, choice.Model, http);
        });
        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp => sp.GetRequiredService<ModelChoice>().Provider
            .BatchEndpoint(sp.GetRequiredService<IOptions<LlmOptions>>().Value));
        services.AddSingleton(sp => new BatchApiClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<BatchEndpoint>(),
            sp.GetRequiredService<IOptions<ResilienceOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BatchApiClient>>()));
        services.AddSingleton<BatchRequestWriter>();
        services.AddSingleton<BatchRunner>();
        return services;
    }
}

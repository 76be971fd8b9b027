using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace Stance.Scoring.Llm;

/// <summary>A provider reached through the OpenAI chat-completions API with Semantic Kernel's OpenAI connector, over
/// the job's own HTTP client (so the SDK's retries are off and Polly owns them).</summary>
internal abstract class OpenAiCompatibleProvider : ScoringProvider
{
    /// <summary>The named HTTP client given to the connector.</summary>
    public const string HttpClientName = "stance-llm";

    /// <inheritdoc />
    public override void Validate(LlmOptions llm, ValidateOptionsResultBuilder errors)
    {
        if (string.IsNullOrWhiteSpace(ModelOrDeployment(llm)))
        {
            errors.AddError("Stance:Llm:Model: must name a model (or Stance:Llm:Deployment for azure)");
        }
    }

    /// <inheritdoc />
    public override string ModelName(LlmOptions llm, IServiceProvider services) => ModelOrDeployment(llm);

    /// <summary>The base URL the connector posts to; null: api.openai.com.</summary>
    public abstract Uri? EndpointFor(LlmOptions llm);

    /// <inheritdoc />
    public override IChatCompletionService CreateChatService(IServiceProvider services, LlmOptions llm, string model) =>
        CreateChatService(
            services,
            llm,
            model,
            services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName));

    /// <summary>The chat service over <paramref name="http"/> (the batch path captures request bodies through
    /// one).</summary>
    public IChatCompletionService CreateChatService(
        IServiceProvider services,
        LlmOptions llm,
        string model,
        HttpClient http)
    {
        var loggers = services.GetRequiredService<ILoggerFactory>();
        // Without a key only when planning (--dry-run, --check-prompts) or for a local server that wants none; the
        // client needs some value.
        var key = string.IsNullOrWhiteSpace(llm.ApiKey) ? "no-key" : llm.ApiKey;
        return EndpointFor(llm) is { } endpoint
            ? new OpenAIChatCompletionService(model, endpoint, key, httpClient: http, loggerFactory: loggers)
            : new OpenAIChatCompletionService(model, key, httpClient: http, loggerFactory: loggers);
    }

    /// <inheritdoc />
    public override bool SupportsBatch => true;

    /// <inheritdoc />
    public override Batch.BatchEndpoint BatchEndpoint(LlmOptions llm) =>
        new(EndpointFor(llm) ?? new Uri("https://api.openai.com/v1/"), BatchLinePath, "Authorization", llm.ApiKey);

    /// <summary>The <c>url</c> of a batch request line.</summary>
    protected virtual string BatchLinePath => "/v1/chat/completions";

    /// <summary>The name sent as <c>model</c>.</summary>
    protected virtual string ModelOrDeployment(LlmOptions llm) => llm.Model;

    /// <summary><paramref name="endpoint"/> as given when it has a path, with <c>/v1</c> added to a bare
    /// host.</summary>
    protected static Uri WithPath(string endpoint)
    {
        endpoint = endpoint.TrimEnd('/');
        var bareHost = new Uri(endpoint).AbsolutePath is "" or "/";
        return new Uri(endpoint + (bareHost ? "/v1/" : "/"));
    }
}

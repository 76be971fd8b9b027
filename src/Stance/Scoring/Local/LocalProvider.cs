using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using Stance.Scoring.Llm;

namespace Stance.Scoring.Local;

/// <summary><c>local</c>: a GGUF model in-process (LLamaSharp), no server and no key, decoding under a grammar made
/// from the answer schema.</summary>
internal sealed partial class LocalProvider : ScoringProvider
{
    /// <summary>The provider name.</summary>
    public const string ProviderName = "local";

    /// <inheritdoc />
    public override string Name => ProviderName;

    /// <inheritdoc />
    public override IReadOnlyList<string> SecretKeys => ["Stance:Llm:Local:HuggingFace:Token"];

    /// <inheritdoc />
    public override bool GrammarSchema => true;

    /// <summary><c>HF_ENDPOINT</c> and <c>HF_TOKEN</c> are honoured.</summary>
    public override void PostConfigure(LlmOptions llm, IConfiguration configuration)
    {
        var hub = llm.Local.HuggingFace;
        if (configuration["HF_ENDPOINT"] is { Length: > 0 } endpoint && hub.Endpoint == new HuggingFaceModel().Endpoint)
        {
            hub.Endpoint = endpoint;
        }

        if (string.IsNullOrWhiteSpace(hub.Token))
        {
            hub.Token = configuration["HF_TOKEN"];
        }
    }

    /// <summary>The local model answers one paragraph at a time (a serialized queue in front of one model instance),
    /// so the job's concurrency is 1: more paragraphs in flight would only wait, and their attempt timeouts would run
    /// while they wait.</summary>
    public override void PostConfigure(ScoringOptions scoring) => scoring.Concurrency = 1;

    /// <summary>A CPU model may need minutes for a paragraph, so the default timeouts become 10 minutes an attempt
    /// and 30 a paragraph (set ones are kept).</summary>
    public override void PostConfigure(ResilienceOptions resilience)
    {
        var defaults = new ResilienceOptions();
        if (resilience.AttemptTimeout == defaults.AttemptTimeout)
        {
            resilience.AttemptTimeout = TimeSpan.FromMinutes(10);
        }

        if (resilience.ParagraphTimeout == defaults.ParagraphTimeout)
        {
            resilience.ParagraphTimeout = TimeSpan.FromMinutes(30);
        }
    }

    /// <summary>Tokens cost nothing.</summary>
    public override void PostConfigure(PricingOptions pricing)
    {
        pricing.InputPerMillion = 0;
        pricing.CachedInputPerMillion = 0;
        pricing.OutputPerMillion = 0;
    }

    /// <inheritdoc />
    public override void Validate(LlmOptions llm, ValidateOptionsResultBuilder errors)
    {
        var local = llm.Local;
        var hub = local.HuggingFace;
        if (string.IsNullOrWhiteSpace(local.ModelPath) && !hub.IsConfigured)
        {
            errors.AddError("Stance:Llm:Local:ModelPath: the local provider needs a GGUF file (--model-path) or a "
                + "Hugging Face model (Stance:Llm:Local:HuggingFace:Repo, File, Sha256)");
        }
        else if (!string.IsNullOrWhiteSpace(local.ModelPath) && !File.Exists(local.ModelPath))
        {
            errors.AddError(
                $"Stance:Llm:Local:ModelPath: the file '{Path.GetFullPath(local.ModelPath)}' does not exist");
        }
        else if (string.IsNullOrWhiteSpace(local.ModelPath) && !Sha256Hex().IsMatch(hub.Sha256 ?? string.Empty))
        {
            errors.AddError("Stance:Llm:Local:HuggingFace:Sha256: a downloaded model must be pinned by its SHA-256 "
                + "(64 hex digits), shown on the file's page on the hub");
        }

        if (hub.IsConfigured && !Uri.TryCreate(hub.Endpoint, UriKind.Absolute, out _))
        {
            errors.AddError($"Stance:Llm:Local:HuggingFace:Endpoint: '{hub.Endpoint}' is not an absolute URL");
        }

        if (local.ContextSize is < 512 or > 131_072)
        {
            errors.AddError($"Stance:Llm:Local:ContextSize: {local.ContextSize} is outside 512..131072");
        }

        if (local.Threads is < 1)
        {
            errors.AddError($"Stance:Llm:Local:Threads: {local.Threads} must be at least 1");
        }
    }

    /// <inheritdoc />
    public override string ModelName(LlmOptions llm, IServiceProvider services) =>
        LocalScoring.ModelName(llm.Local, services.GetRequiredService<ILogger<LocalModel>>());

    /// <inheritdoc />
    public override IChatCompletionService CreateChatService(IServiceProvider services, LlmOptions llm, string model) =>
        new LocalChatCompletionService(services.GetRequiredService<LocalModel>(), model);

    /// <inheritdoc />
    public override Func<CancellationToken, Task>? Prepare(IServiceProvider services) =>
        services.GetRequiredService<LocalModel>().LoadAsync;

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}

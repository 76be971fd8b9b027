using Microsoft.Extensions.Options;

namespace Stance.Scoring.Llm;

/// <summary><c>azure</c>: an Azure OpenAI resource (<c>--endpoint https://NAME.openai.azure.com</c>), its deployment
/// (<c>Stance:Llm:Deployment</c>, else <c>--model</c>) and a key from <c>AZURE_OPENAI_API_KEY</c>, through the
/// resource's OpenAI-compatible v1 route.</summary>
internal sealed class AzureOpenAiProvider : OpenAiCompatibleProvider
{
    /// <inheritdoc />
    public override string Name => "azure";

    /// <inheritdoc />
    public override string? KeyVariable => "AZURE_OPENAI_API_KEY";

    /// <inheritdoc />
    public override void Validate(LlmOptions llm, ValidateOptionsResultBuilder errors)
    {
        base.Validate(llm, errors);
        if (llm.Endpoint is null)
        {
            errors.AddError(
                "Stance:Llm:Endpoint: the azure provider needs the resource URL, e.g. https://NAME.openai.azure.com");
        }
    }

    /// <inheritdoc />
    public override string? MissingKey(LlmOptions llm) =>
        string.IsNullOrWhiteSpace(llm.ApiKey)
            ? "Stance:Llm:ApiKey: the azure provider needs a key; set AZURE_OPENAI_API_KEY (or Stance__Llm__ApiKey, or "
                + "user-secrets)"
            : null;

    /// <inheritdoc />
    public override Uri? EndpointFor(LlmOptions llm)
    {
        var endpoint = llm.Endpoint!.TrimEnd('/');
        return endpoint.Contains("/openai", StringComparison.OrdinalIgnoreCase)
            ? WithPath(endpoint)
            : new Uri(endpoint + "/openai/v1/");
    }

    /// <summary>Azure's v1 route takes the key in the <c>api-key</c> header and batch lines without the
    /// <c>/v1</c> prefix; the model is the Global-Batch deployment's name.</summary>
    public override Batch.BatchEndpoint BatchEndpoint(LlmOptions llm) =>
        new(EndpointFor(llm)!, BatchLinePath, "api-key", llm.ApiKey);

    /// <inheritdoc />
    protected override string BatchLinePath => "/chat/completions";

    /// <inheritdoc />
    protected override string ModelOrDeployment(LlmOptions llm) => llm.Deployment ?? llm.Model;
}

namespace Stance.Scoring.Llm;

/// <summary><c>openai</c>: api.openai.com (key from <c>OPENAI_API_KEY</c>), or any OpenAI-compatible server given by
/// <c>--endpoint</c> (Ollama, vLLM, llama.cpp server, LM Studio), which may need no key.</summary>
internal sealed class OpenAiProvider : OpenAiCompatibleProvider
{
    /// <inheritdoc />
    public override string Name => "openai";

    /// <inheritdoc />
    public override string? KeyVariable => "OPENAI_API_KEY";

    /// <inheritdoc />
    public override string? MissingKey(LlmOptions llm) =>
        llm.Endpoint is null && string.IsNullOrWhiteSpace(llm.ApiKey)
            ? "Stance:Llm:ApiKey: api.openai.com needs a key; set OPENAI_API_KEY (or Stance__Llm__ApiKey, or "
                + "user-secrets), or give --endpoint for a local server"
            : null;

    /// <inheritdoc />
    public override Uri? EndpointFor(LlmOptions llm) => llm.Endpoint is null ? null : WithPath(llm.Endpoint);
}

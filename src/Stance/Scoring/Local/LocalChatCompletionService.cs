using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using Stance.Contract;
using OpenAIChatModelFactory = OpenAI.Chat.OpenAIChatModelFactory;

namespace Stance.Scoring.Local;

/// <summary>Semantic Kernel's chat completion over the in-process model: it reads the same OpenAI execution settings as
/// the HTTP connector (temperature, max tokens, <c>response_format</c>) and answers under a GBNF grammar converted from
/// the <c>response_format</c> JSON schema, with the finish reason and token usage in the metadata where the OpenAI
/// connector puts them. The stance function, validation, Polly and output paths are therefore those of HTTP
/// providers.</summary>
internal sealed class LocalChatCompletionService(LocalModel model, string modelId) : IChatCompletionService
{
    private const int GrammarCacheSize = 256;
    private const int DefaultMaxTokens = 1024;
    private readonly ConcurrentDictionary<string, GbnfGrammar> _grammars = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> Attributes { get; } =
        new Dictionary<string, object?> { ["ModelId"] = modelId };

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory,
        PromptExecutionSettings? executionSettings = null,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        var settings = OpenAIPromptExecutionSettings.FromExecutionSettings(executionSettings);
        var grammar = GrammarFor(settings.ResponseFormat);
        var configured = settings.MaxTokens
            ?? (settings.ExtraBody?.TryGetValue("max_tokens", out var extra) == true && extra is int extraMax
                ? extraMax
                : DefaultMaxTokens);

        // The grammar bounds the answer; its bound (in bytes, at least one per token) is allowed even above the
        // configured maximum, so an answer that follows the grammar is never cut off. For a local model the limit
        // costs time, not money.
        var generation = await model.GenerateAsync(
            [.. chatHistory.Select(m => (m.Role.Label, m.Content ?? string.Empty))],
            grammar,
            Math.Max(configured, grammar.MaxBytes),
            (float)(settings.Temperature ?? 0),
            cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, object?>
        {
            ["FinishReason"] = generation.FinishReason,
            ["Usage"] = OpenAIChatModelFactory.ChatTokenUsage(
                outputTokenCount: generation.OutputTokens,
                inputTokenCount: generation.InputTokens,
                totalTokenCount: generation.InputTokens + generation.OutputTokens),
        };
        return [new ChatMessageContent(AuthorRole.Assistant, generation.Text, modelId, metadata: metadata)];
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory,
        PromptExecutionSettings? executionSettings = null,
        Kernel? kernel = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var message in await GetChatMessageContentsAsync(
            chatHistory,
            executionSettings,
            kernel,
            cancellationToken).ConfigureAwait(false))
        {
            yield return new StreamingChatMessageContent(
                message.Role,
                message.Content,
                modelId: modelId,
                metadata: message.Metadata);
        }
    }

    /// <summary>The grammar of a <c>response_format</c> of type <c>json_schema</c> (as config.json gives it, or as a
    /// narrowed JSON object), converted once per distinct schema.</summary>
    private GbnfGrammar GrammarFor(object? responseFormat)
    {
        var format = responseFormat switch
        {
            null => throw new LocalModelException(
                FailureKind.BadRequest,
                "the local provider needs a response_format of type json_schema in the prompt's config.json"),
            JsonElement element => element,
            string text => JsonDocument.Parse(text).RootElement.Clone(),
            var other => JsonSerializer.SerializeToElement(other, other.GetType()),
        };
        if (!format.TryGetProperty("json_schema", out var named) || !named.TryGetProperty("schema", out var schema))
        {
            throw new LocalModelException(
                FailureKind.BadRequest,
                "the local provider needs a response_format of type json_schema with a schema");
        }

        var key = schema.GetRawText();
        if (_grammars.TryGetValue(key, out var known))
        {
            return known;
        }

        if (_grammars.Count >= GrammarCacheSize)
        {
            _grammars.Clear();
        }

        return _grammars[key] = JsonSchemaGbnf.Build(schema);
    }
}

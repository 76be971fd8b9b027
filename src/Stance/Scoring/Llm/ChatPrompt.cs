using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Stance.Scoring.Llm;

/// <summary>A prompt function's chat messages as Semantic Kernel sends them, rendered once: Semantic Kernel renders
/// the template (with the constant values, e.g. the few-shot examples', and a <see cref="ContentTemplate.Marker"/> for
/// each per-request variable) and parses it into its chat history; a message without a marker is kept as it is, one
/// with markers becomes a <see cref="ContentTemplate"/>. A request's history is then those messages with the
/// request's values in the holes, without rendering, HTML-encoding or XML parsing per request.</summary>
/// <remarks>The values arrive verbatim, as they do after Semantic Kernel's round trip (values HTML-encoded into the
/// rendered prompt, then decoded by its chat prompt parsing), and each filled message is trimmed, as Semantic Kernel
/// trims a parsed message.</remarks>
internal sealed class ChatPrompt
{
    private readonly AuthorRole[] _roles;
    private readonly ChatMessageContent?[] _fixed;
    private readonly ContentTemplate?[] _templates;
    private readonly Usual?[] _usual;

    private ChatPrompt(IReadOnlyList<ChatMessageContent> messages, IReadOnlyDictionary<string, string> usual)
    {
        _roles = new AuthorRole[messages.Count];
        _fixed = new ChatMessageContent?[messages.Count];
        _templates = new ContentTemplate?[messages.Count];
        _usual = new Usual?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            _roles[i] = messages[i].Role;
            if (messages[i].Content is { } content && ContentTemplate.HasMarker(content))
            {
                var template = _templates[i] = ContentTemplate.Parse(content);
                if (template.Holes.All(usual.ContainsKey))
                {
                    _usual[i] = new Usual(
                        [.. template.Holes.Select(h => usual[h])],
                        new ChatMessageContent(_roles[i], template.Fill(usual)));
                }
            }
            else
            {
                _fixed[i] = messages[i];
            }
        }
    }

    /// <summary>The number of messages of each request.</summary>
    public int Count => _roles.Length;

    /// <summary>Renders <paramref name="function"/> with Semantic Kernel (the plugins of <paramref name="kernel"/>,
    /// a chat service that only records the history it is given): <paramref name="constants"/> as they are, each of
    /// <paramref name="variables"/> as its marker. A message whose variables all have a value in
    /// <paramref name="usual"/> (the watched targets' list, the same for every paragraph without a focus target) is
    /// filled once with those values, and a request with the same values gets that message again.</summary>
    /// <exception cref="InvalidOperationException">Semantic Kernel sent no chat history.</exception>
    public static async Task<ChatPrompt> RenderAsync(
        KernelFunction function,
        Kernel kernel,
        IReadOnlyDictionary<string, string> constants,
        IEnumerable<string> variables,
        IReadOnlyDictionary<string, string> usual,
        CancellationToken cancellationToken)
    {
        var recorder = new HistoryRecorder();
        using var services = new ServiceCollection()
            .AddSingleton<IChatCompletionService>(recorder)
            .BuildServiceProvider();
        var arguments = new KernelArguments(new PromptExecutionSettings());
        foreach (var (name, value) in constants)
        {
            arguments[name] = value;
        }

        foreach (var name in variables)
        {
            arguments[name] = ContentTemplate.Marker(name);
        }

        await new Kernel(services, kernel.Plugins).InvokeAsync(function, arguments, cancellationToken)
            .ConfigureAwait(false);
        return new ChatPrompt(recorder.History
            ?? throw new InvalidOperationException("Semantic Kernel sent the prompt to no chat service"), usual);
    }

    /// <summary>The chat history of a request with <paramref name="values"/> (by variable name; a variable without
    /// a value is empty).</summary>
    public ChatHistory History(IReadOnlyDictionary<string, string> values)
    {
        var history = new ChatHistory();
        for (var i = 0; i < _roles.Length; i++)
        {
            history.Add(_fixed[i]
                ?? (_usual[i] is { } usual && usual.Matches(_templates[i]!.Holes, values) ? usual.Message : null)
                ?? new ChatMessageContent(_roles[i], _templates[i]!.Fill(values)));
        }

        return history;
    }

    /// <summary>A message filled once with the usual values of its variables (in hole order).</summary>
    private sealed record Usual(string[] Values, ChatMessageContent Message)
    {
        public bool Matches(IReadOnlyList<string> holes, IReadOnlyDictionary<string, string> values)
        {
            for (var h = 0; h < holes.Count; h++)
            {
                if (!values.TryGetValue(holes[h], out var value)
                    || !string.Equals(value, Values[h], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>A chat service that records the history it is asked with and answers with an empty message.</summary>
    private sealed class HistoryRecorder : IChatCompletionService
    {
        public IReadOnlyList<ChatMessageContent>? History { get; private set; }

        public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?>();

        public Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
            ChatHistory chatHistory,
            PromptExecutionSettings? executionSettings = null,
            Kernel? kernel = null,
            CancellationToken cancellationToken = default)
        {
            History = [.. chatHistory];
            return Task.FromResult<IReadOnlyList<ChatMessageContent>>(
                [new ChatMessageContent(AuthorRole.Assistant, string.Empty)]);
        }

        public async IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
            ChatHistory chatHistory,
            PromptExecutionSettings? executionSettings = null,
            Kernel? kernel = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var message in await GetChatMessageContentsAsync(
                chatHistory, executionSettings, kernel, cancellationToken).ConfigureAwait(false))
            {
                yield return new StreamingChatMessageContent(message.Role, message.Content);
            }
        }
    }
}

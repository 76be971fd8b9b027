using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.Logging;

namespace Stance.Scoring.Local;

/// <summary>The one GGUF model of the process (LLamaSharp, CPU). Loaded once, before the first paragraph; generations
/// run one at a time through a serialized queue, each in a fresh context sized to its prompt and longest answer (at
/// most <see cref="LocalModelOptions.ContextSize"/> tokens), so memory is the weights plus one context whatever the
/// job's concurrency.</summary>
internal sealed partial class LocalModel(LocalModelOptions options, Func<CancellationToken, Task<string>> resolvePath, ILogger<LocalModel> logger) : IDisposable
{
    /// <summary>The metadata key of a GGUF model's own chat template.</summary>
    public const string ChatTemplateKey = "tokenizer.chat_template";

    private static NativeLogConfig.LLamaLogCallback? s_nativeLog;
    private readonly SemaphoreSlim _queue = new(1, 1);
    private LLamaWeights? _weights;
    private ModelParams? _parameters;
    private bool _ownTemplate;

    /// <summary>The chat format in use: <c>model</c> (the GGUF's own template) or <c>chatml</c> (the fallback).</summary>
    public string ChatFormat => _ownTemplate ? "model" : "chatml";

    /// <summary>Finds (or downloads) and loads the model; later calls return at once.</summary>
    /// <exception cref="ModelUnavailableException">The file is missing, cannot be downloaded or verified, or is not a loadable GGUF.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_weights is not null)
            {
                return;
            }

            var path = await resolvePath(cancellationToken).ConfigureAwait(false);
            if (!File.Exists(path))
            {
                throw new ModelUnavailableException($"the model file '{Path.GetFullPath(path)}' does not exist");
            }

            RouteNativeLog(logger);
            var started = Stopwatch.GetTimestamp();
            _parameters = new ModelParams(path)
            {
                ContextSize = 512,
                GpuLayerCount = 0,
                Threads = options.Threads ?? Math.Max(1, Environment.ProcessorCount / 2),
            };
            try
            {
                _weights = await LLamaWeights.LoadFromFileAsync(_parameters, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new ModelUnavailableException($"'{path}' could not be loaded as a GGUF model ({ex.GetType().Name}: {ex.Message})", ex);
            }

            _ownTemplate = HasUsableTemplate(_weights);
            var (file, sizeMb, elapsed) = (Path.GetFileName(path), new FileInfo(path).Length / 1048576.0, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            LogLoaded(logger, file, sizeMb, elapsed, options.ContextSize, _parameters.Threads ?? 0, ChatFormat);
        }
        finally
        {
            _queue.Release();
        }
    }

    /// <summary>Generates an answer to <paramref name="messages"/> that follows <paramref name="grammar"/>.</summary>
    public async Task<LocalGeneration> GenerateAsync(IReadOnlyList<(string Role, string Content)> messages, GbnfGrammar grammar, int maxTokens,
        float temperature, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        await _queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var prompt = Format(messages);
            var promptTokens = _weights!.Tokenize(prompt, true, true, Encoding.UTF8).Length;
            // Each call gets a context just large enough for the prompt and the longest answer, up to ContextSize; the
            // executor stops with an overflow when prompt + answer reach the context size, so two tokens are spare.
            var room = options.ContextSize - promptTokens - 2;
            if (room < Math.Min(maxTokens, 64))
            {
                throw new LocalModelException(FailureKind.ContextTooLong,
                    $"the prompt has {promptTokens} tokens; with the answer it does not fit the context of {options.ContextSize} (Stance:Llm:Local:ContextSize)");
            }

            var limit = Math.Min(maxTokens, room);
            var context = new ModelParams(_parameters!.ModelPath)
            {
                ContextSize = (uint)(promptTokens + limit + 2),
                GpuLayerCount = 0,
                Threads = _parameters.Threads,
                FlashAttention = options.FlashAttention,
            };
            var inference = new InferenceParams
            {
                MaxTokens = limit,
                SamplingPipeline = new DefaultSamplingPipeline { Grammar = new Grammar(grammar.Text, "root"), Temperature = temperature, Seed = options.Seed },
            };
            var text = new StringBuilder();
            var tokens = 0;
            var started = Stopwatch.GetTimestamp();
            var executor = new StatelessExecutor(_weights, context);
            try
            {
                await foreach (var piece in executor.InferAsync(prompt, inference, cancellationToken).ConfigureAwait(false))
                {
                    text.Append(piece);
                    tokens++;
                }
            }
            catch (LLama.Exceptions.ContextOverflowException ex)
            {
                throw new LocalModelException(FailureKind.ContextTooLong, $"the answer ran out of context ({options.ContextSize} tokens, Stance:Llm:Local:ContextSize): {ex.Message}");
            }
            catch (LLama.Exceptions.RuntimeError ex)
            {
                throw new LocalModelException(FailureKind.ServerError, $"llama.cpp failed: {ex.Message}");
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            LogGenerated(logger, tokens, promptTokens, seconds, tokens / seconds);
            return new LocalGeneration(text.ToString(), promptTokens, tokens, tokens >= limit ? "length" : "stop");
        }
        finally
        {
            _queue.Release();
        }
    }

    /// <summary>The chat as the model expects it: its own template, or ChatML when it has none llama.cpp knows.</summary>
    internal string Format(IReadOnlyList<(string Role, string Content)> messages)
    {
        if (_ownTemplate)
        {
            var template = new LLamaTemplate(_weights!, strict: true) { AddAssistant = true };
            foreach (var (role, content) in messages)
            {
                template.Add(role, content);
            }

            return Encoding.UTF8.GetString(template.Apply());
        }

        return ChatMl(messages);
    }

    /// <summary>ChatML, the fallback format.</summary>
    internal static string ChatMl(IReadOnlyList<(string Role, string Content)> messages)
    {
        var text = new StringBuilder();
        foreach (var (role, content) in messages)
        {
            text.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
        }

        return text.Append("<|im_start|>assistant\n").ToString();
    }

    /// <summary>llama.cpp's own log goes to this logger: its errors as warnings, everything else at Trace.</summary>
    private static void RouteNativeLog(ILogger logger)
    {
        s_nativeLog = (level, message) =>
        {
            var line = message.TrimEnd();
            if (level == LLamaLogLevel.Error)
            {
                LogNativeError(logger, line);
            }
            else
            {
                LogNative(logger, line);
            }
        };
        NativeLogConfig.llama_log_set(s_nativeLog);
    }

    private bool HasUsableTemplate(LLamaWeights weights)
    {
        if (!weights.Metadata.ContainsKey(ChatTemplateKey))
        {
            return false;
        }

        try
        {
            _ = new LLamaTemplate(weights, strict: true).Add("user", "test").Apply();
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogTemplateUnknown(logger, ex.Message);
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _weights?.Dispose();
        _queue.Dispose();
    }

    [LoggerMessage(EventId = 65, Level = LogLevel.Information, Message = "Local model {File} loaded ({SizeMb:F1} MB) in {Milliseconds:F0} ms; contexts up to {Context} tokens, {Threads} threads, chat format {Format}")]
    private static partial void LogLoaded(ILogger logger, string file, double sizeMb, double milliseconds, int context, int threads, string format);

    [LoggerMessage(EventId = 69, Level = LogLevel.Debug, Message = "Generated {OutputTokens} tokens after a prompt of {PromptTokens} tokens in {Seconds:F2} s ({TokensPerSecond:F1} tokens/s)")]
    private static partial void LogGenerated(ILogger logger, int outputTokens, int promptTokens, double seconds, double tokensPerSecond);

    [LoggerMessage(EventId = 67, Level = LogLevel.Warning, Message = "llama.cpp: {Message}")]
    private static partial void LogNativeError(ILogger logger, string message);

    [LoggerMessage(EventId = 68, Level = LogLevel.Trace, Message = "llama.cpp: {Message}")]
    private static partial void LogNative(ILogger logger, string message);

    [LoggerMessage(EventId = 66, Level = LogLevel.Warning, Message = "The model's chat template is not one llama.cpp knows ({Reason}); using ChatML")]
    private static partial void LogTemplateUnknown(ILogger logger, string reason);
}

/// <summary>One generation: the text, the tokens in and out, and <c>stop</c> or <c>length</c>.</summary>
internal sealed record LocalGeneration(string Text, int InputTokens, int OutputTokens, string FinishReason);

/// <summary>A paragraph the local model cannot answer; <see cref="Kind"/> is a <see cref="FailureKind"/> value.</summary>
internal sealed class LocalModelException(string kind, string message) : Exception(message)
{
    /// <summary>How the paragraph ends.</summary>
    public string Kind { get; } = kind;
}

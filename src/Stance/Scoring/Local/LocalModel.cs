using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.Logging;
using Stance.Contract;

namespace Stance.Scoring.Local;

/// <summary>The one GGUF model of the process (LLamaSharp, CPU). Loaded once, before the first paragraph; generations
/// run one at a time through a serialized queue in one context, sized to the largest prompt plus longest answer seen
/// (at most <see cref="LocalModelOptions.ContextSize"/> tokens), so memory is the weights plus one context whatever
/// the job's concurrency. The context keeps what it evaluated, so the prompt prefix shared by consecutive paragraphs
/// (the instructions) is evaluated once.</summary>
internal sealed partial class LocalModel(
    LocalModelOptions options,
    Func<CancellationToken, Task<string>> resolvePath,
    ILogger<LocalModel> logger) : IDisposable
{
    private readonly SemaphoreSlim _queue = new(1, 1);
    private readonly List<LLamaToken> _cached = [];
    private LLamaWeights? _weights;
    private ModelParams? _parameters;
    private LLamaContext? _context;
    private LocalChatFormat? _format;

    /// <summary>The chat format in use: <c>model</c> (the GGUF's own template) or <c>chatml</c> (the
    /// fallback).</summary>
    public string ChatFormat => _format?.Name ?? "unloaded";

    /// <summary>Finds (or downloads) and loads the model; later calls return at once.</summary>
    /// <exception cref="ModelUnavailableException">The file is missing, cannot be downloaded or verified, or is not a
    /// loadable GGUF.</exception>
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

            LlamaNativeLog.RouteTo(logger);
            var started = Stopwatch.GetTimestamp();
            _parameters = Parameters(path, 512); // the weights' load; contexts are made per need
            try
            {
                _weights = await LLamaWeights.LoadFromFileAsync(_parameters, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new ModelUnavailableException(
                    $"'{path}' could not be loaded as a GGUF model ({ex.GetType().Name}: {ex.Message})",
                    ex);
            }

            _format = LocalChatFormat.For(_weights, logger);
            var (file, sizeMb, elapsed) = (
                Path.GetFileName(path),
                new FileInfo(path).Length / 1048576.0,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            LogLoaded(logger, file, sizeMb, elapsed, options.ContextSize, _parameters.Threads ?? 0, ChatFormat);
        }
        finally
        {
            _queue.Release();
        }
    }

    /// <summary>Generates an answer to <paramref name="messages"/> that follows <paramref name="grammar"/>.</summary>
    /// <remarks>The context is kept between calls with what it holds, so the part of the prompt shared with the
    /// previous call (the instructions and the watched targets, most of it) is not evaluated again.</remarks>
    public async Task<LocalGeneration> GenerateAsync(
        IReadOnlyList<(string Role, string Content)> messages,
        GbnfGrammar grammar,
        int maxTokens,
        float temperature,
        CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        await _queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var prompt = _weights!.Tokenize(Format(messages), true, true, Encoding.UTF8);

            // Prompt and the longest answer must fit the context, with a token to spare.
            var room = options.ContextSize - prompt.Length - 1;
            if (room < Math.Min(maxTokens, 64))
            {
                throw new LocalModelException(
                    FailureKind.ContextTooLong,
                    $"the prompt has {prompt.Length} tokens; with the answer it does not fit the context of " +
                    $"{options.ContextSize} (Stance:Llm:Local:ContextSize)");
            }

            var limit = Math.Min(maxTokens, room);
            var started = Stopwatch.GetTimestamp();
            using var sampler = new DefaultSamplingPipeline
            {
                Grammar = new Grammar(grammar.Text, "root"),
                Temperature = temperature,
                Seed = options.Seed,
            };
            try
            {
                var (text, tokens, reused) = await GenerateAsync(
                    prompt,
                    prompt.Length + limit + 1,
                    limit,
                    sampler,
                    cancellationToken).ConfigureAwait(false);
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                LogGenerated(logger, tokens, prompt.Length, reused, seconds, tokens / seconds);
                return new LocalGeneration(text, prompt.Length, tokens, tokens >= limit ? "length" : "stop", reused);
            }
            catch
            {
                // What the context holds is unknown after a failure: start the next call from an empty one.
                _cached.Clear();
                _context?.NativeHandle.MemoryClear(true);
                throw;
            }
        }
        catch (LLamaDecodeError ex)
        {
            throw new LocalModelException(
                FailureKind.ServerError,
                $"llama.cpp could not evaluate the prompt or answer: {ex.Message}");
        }
        finally
        {
            _queue.Release();
        }
    }

    private async Task<(string Text, int Tokens, int Reused)> GenerateAsync(
        LLamaToken[] prompt,
        int needed,
        int limit,
        DefaultSamplingPipeline sampler,
        CancellationToken cancellationToken)
    {
        if (_context is null || _context.ContextSize < needed)
        {
            // A context for this call with half as much again, so that later, longer calls still fit; what it held is
            // lost.
            _context?.Dispose();
            _context = _weights!.CreateContext(Parameters(
                _parameters!.ModelPath,
                Math.Min(options.ContextSize, (needed + (needed / 2) + 1023) / 1024 * 1024)));
            _cached.Clear();
        }

        // Keep the longest prefix the context already holds (at least one prompt token is evaluated, for its logits).
        var reused = 0;
        while (reused < _cached.Count && reused < prompt.Length - 1 && _cached[reused] == prompt[reused])
        {
            reused++;
        }

        // Models whose memory cannot drop a tail (recurrent ones) keep it: then start from an empty context.
        _context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, reused, -1);
        if ((int)_context.NativeHandle.MemorySequenceMaxPosition(LLamaSeqId.Zero) >= reused)
        {
            _context.NativeHandle.MemoryClear(true);
            reused = 0;
        }

        _cached.RemoveRange(reused, _cached.Count - reused);
        var batch = new LLamaBatch();
        var (result, _, past) = await _context
            .DecodeAsync([.. prompt.AsSpan(reused)], LLamaSeqId.Zero, batch, reused, cancellationToken)
            .ConfigureAwait(false);
        if (result != DecodeResult.Ok)
        {
            throw new LLamaDecodeError(result);
        }

        _cached.AddRange(prompt.AsSpan(reused));
        var decoder = new StreamingTokenDecoder(_context);
        var text = new StringBuilder();
        var tokens = 0;
        while (tokens < limit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = sampler.Sample(_context.NativeHandle, batch.TokenCount - 1);
            if (token.IsEndOfGeneration(_weights!.Vocab))
            {
                break;
            }

            decoder.Add(token);
            text.Append(decoder.Read());
            tokens++;
            batch.Clear();
            batch.Add(token, past++, LLamaSeqId.Zero, true);
            _cached.Add(token);
            if (await _context.DecodeAsync(batch, cancellationToken).ConfigureAwait(false)
                is var code and not DecodeResult.Ok)
            {
                throw new LLamaDecodeError(code);
            }
        }

        return (text.ToString(), tokens, reused);
    }

    /// <summary>CPU-only parameters with the configured threads and attention.</summary>
    private ModelParams Parameters(string path, int contextSize) => new(path)
    {
        ContextSize = (uint)contextSize,
        GpuLayerCount = 0,
        Threads = options.Threads ?? Math.Max(1, Environment.ProcessorCount / 2),
        FlashAttention = options.FlashAttention,
    };

    /// <summary>The chat as the model expects it (see <see cref="LocalChatFormat"/>); the model must be
    /// loaded.</summary>
    internal string Format(IReadOnlyList<(string Role, string Content)> messages) => _format!.Apply(messages);

    /// <inheritdoc />
    public void Dispose()
    {
        _context?.Dispose();
        _weights?.Dispose();
        _queue.Dispose();
    }

    [LoggerMessage(
        EventId = 65,
        Level = LogLevel.Information,
        Message = "Local model {File} loaded ({SizeMb:F1} MB) in {Milliseconds:F0} ms; " +
            "contexts up to {Context} tokens, {Threads} threads, chat format {Format}; " +
            "paragraphs are scored one at a time")]
    private static partial void LogLoaded(
        ILogger logger,
        string file,
        double sizeMb,
        double milliseconds,
        int context,
        int threads,
        string format);

    [LoggerMessage(
        EventId = 69,
        Level = LogLevel.Debug,
        Message = "Generated {OutputTokens} tokens after a prompt of {PromptTokens} tokens " +
            "({Reused} reused from the previous call) in {Seconds:F2} s ({TokensPerSecond:F1} tokens/s)")]
    private static partial void LogGenerated(
        ILogger logger,
        int outputTokens,
        int promptTokens,
        int reused,
        double seconds,
        double tokensPerSecond);

}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;
using Stance.Contract;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Telemetry;

namespace Stance.Scoring.Llm;

/// <summary>Scores a paragraph with the stance prompt through Semantic Kernel, each call inside the Polly pipeline.
/// An invalid answer is asked again with the reason (bounded); an answer cut off at the token limit is asked once more
/// with twice the room; a content-filter refusal ends the paragraph as filtered.</summary>
/// <remarks>The prompt is rendered by Semantic Kernel once per scorer (<see cref="ChatPrompt"/>); each call sends
/// the chat history of its paragraph through Semantic Kernel's chat service, as the prompt function would.</remarks>
internal sealed partial class KernelParagraphScorer(
    Kernel kernel,
    StancePrompt prompt,
    OpenAIPromptExecutionSettings settings,
    LlmCallPolicy policy,
    LlmScorerInfo info,
    RunProgress progress,
    ILogger<KernelParagraphScorer> logger,
    Func<CancellationToken, Task>? prepare = null) : IParagraphScorer
{
    private readonly KernelFunction _function =
        KernelFunctionFactory.CreateFromPrompt(prompt.Config, new KernelPromptTemplateFactory());
    private readonly AnswerValidator _validator = new(prompt, info.RequireMentionedTargets);
    private readonly string _targets = prompt.Targets.ToPromptText();
    private readonly OpenAIPromptExecutionSettings _sent = info.NarrowSchema ? settings : WithBuiltFormat(settings);
    private OpenAIPromptExecutionSettings? _roomy;
    private readonly TokenEstimator _estimator = new(prompt, info.Model);
    private readonly Lazy<Task<ChatPrompt>> _chat = new(() => ChatPrompt.RenderAsync(
        KernelFunctionFactory.CreateFromPrompt(prompt.Config, new KernelPromptTemplateFactory()),
        kernel,
        prompt.ExampleValues,
        s_variables,
        new Dictionary<string, string>(StringComparer.Ordinal) { ["targets"] = prompt.Targets.ToPromptText() },
        CancellationToken.None));
    private IChatCompletionService? _service;

    /// <summary>The prompt's variables that change per request.</summary>
    private static readonly string[] s_variables = ["paragraph", "title", "previous", "targets", "feedback"];

    /// <inheritdoc />
    public string Provider => info.Provider;

    /// <inheritdoc />
    public string Model => info.Model;

    /// <inheritdoc />
    public bool IsMetered => true;

    /// <inheritdoc />
    public Task PrepareAsync(CancellationToken cancellationToken) =>
        prepare?.Invoke(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public Task<ScoreOutcome> ScoreAsync(Paragraph paragraph, CancellationToken cancellationToken) =>
        ScoreAsync(paragraph, null, cancellationToken);

    /// <summary>Scores <paramref name="paragraph"/>; with <paramref name="rejection"/> (why an earlier answer, e.g. a
    /// batch line's, was rejected) the first ask already carries it as feedback.</summary>
    public async Task<ScoreOutcome> ScoreAsync(
        Paragraph paragraph,
        string? rejection,
        CancellationToken cancellationToken)
    {
        if (paragraph.Text.Length > info.MaxParagraphChars)
        {
            return ScoreOutcome.Failed(
                FailureKind.TooLong,
                $"the paragraph has {paragraph.Text.Length:N0} characters, more than Stance:Llm:MaxParagraphChars " +
                $"({info.MaxParagraphChars:N0}); not sent",
                0,
                null,
                null,
                0);
        }

        var call = new Call(paragraph, _targets, _sent, Stopwatch.GetTimestamp());
        if (rejection is not null)
        {
            call.Feedback = RejectionFeedback(rejection);
        }

        string? reason = null;
        var cutOffs = 0;
        for (var ask = 0; ask <= info.MaxRepairs + cutOffs; ask++)
        {
            Microsoft.SemanticKernel.ChatMessageContent? message;
            try
            {
                message = await SendAsync(call, cancellationToken).ConfigureAwait(false);
            }
            catch (RunAbortedException ex) when (ex.Kind == FailureKind.Budget && ex.Outcome is null)
            {
                // The paragraph's row keeps what its earlier asks cost.
                throw new RunAbortedException(ex.Kind, ex.Message, ex.InnerException)
                {
                    Outcome = call.Fail(FailureKind.Budget, $"not scored: {ex.Message}"),
                };
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not RunAbortedException)
            {
                var fault = ProviderFaults.Classify(ex);
                if (fault.AbortsRun)
                {
                    throw new RunAbortedException(fault.Kind, fault.Message, ex);
                }

                return call.Fail(fault.Kind, fault.Message);
            }

            var finish = Normalize(
                message?.Metadata?.TryGetValue("FinishReason", out var f) == true ? f?.ToString() : null);
            if (finish == "contentfilter")
            {
                return call.Fail(
                    FailureKind.ContentFilter,
                    "the provider's content filter refused to answer (finish_reason content_filter)");
            }

            if (finish == "length")
            {
                if (cutOffs++ > 0)
                {
                    return call.Fail(
                        FailureKind.CutOff,
                        "the answer was cut off at the token limit twice " +
                        $"(max tokens {Roomy.MaxTokens ?? settings.MaxTokens})");
                }

                LogCutOff(logger, paragraph.Id);
                progress.Retry(FailureKind.CutOff);
                call.Settings = Roomy;
                continue;
            }

            var check = _validator.Validate(message?.Content, paragraph);
            if (check.Answer is { } valid)
            {
                var answer = WithLabelProbabilities(valid, message!.Content, call.Tokens);
                return ScoreOutcome.Ok(answer, call.Attempts, call.InputTokens, call.OutputTokens, call.Elapsed) with
                {
                    CachedInputTokens = call.CachedInputTokens,
                };
            }

            reason = check.Reason;
            LogRejected(logger, paragraph.Id, ask + 1, reason!);
            progress.Retry(FailureKind.InvalidAnswer);
            call.Feedback = RejectionFeedback(reason!);
        }

        return call.Fail(FailureKind.InvalidAnswer, $"invalid answer after {info.MaxRepairs + 1} asks: {reason}");
    }

    private async Task<Microsoft.SemanticKernel.ChatMessageContent?> SendAsync(
        Call call,
        CancellationToken cancellationToken)
    {
        var chat = await ChatAsync().ConfigureAwait(false);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        PromptValues(call.Paragraph, call.Feedback, values);
        var requestSettings = info.NarrowSchema ? call.Narrowed(prompt) : call.Settings;
        var service = _service ??= ChatService(null);
        var message = await policy.ExecuteAsync(
            async ct =>
            {
                var tokens = requestSettings.Logprobs == true ? AnswerTokensHandler.Capture() : null;
                var answer = First(await service
                    .GetChatMessageContentsAsync(chat.History(values), requestSettings, kernel, ct)
                    .ConfigureAwait(false));
                call.Tokens = tokens?.Tokens;
                return answer;
            },
            new RequestEstimate(
                call.PromptTokens ??= _estimator.PromptTokens(call.Paragraph), AnswerTokens(call.Settings)),
            () => Interlocked.Increment(ref call.Attempts),
            Usage,
            cancellationToken).ConfigureAwait(false);

        if (Usage(message) is { } tokens)
        {
            call.InputTokens = (call.InputTokens ?? 0) + tokens.InputTokens;
            call.OutputTokens = (call.OutputTokens ?? 0) + tokens.OutputTokens;
            if (tokens.CachedInputTokens is { } cached)
            {
                call.CachedInputTokens = (call.CachedInputTokens ?? 0) + cached;
            }
        }

        return message;
    }

    /// <summary>The answer with each stance label's probability from its tokens' log-probabilities (when the
    /// provider returned them): the top-level label's, and each target's by its first entry in the answer.</summary>
    private StanceAnswer WithLabelProbabilities(StanceAnswer answer, string? content, AnswerTokens? tokens)
    {
        if (tokens is null || LabelProbabilities.Read(content ?? string.Empty, tokens) is not { } labels)
        {
            return answer;
        }

        var byTarget = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (target, probability) in labels.Targets)
        {
            byTarget.TryAdd(prompt.Targets.Canonicalize(target).Name, probability);
        }

        return answer with
        {
            LabelProbability = labels.Main,
            Targets =
            [
                .. answer.Targets.Select(t => byTarget.TryGetValue(t.Target, out var p)
                    ? t with { LabelProbability = p }
                    : t),
            ],
        };
    }

    /// <summary>The tokens an answer reports in its metadata (OpenAI's <c>usage</c>, with
    /// <c>prompt_tokens_details.cached_tokens</c>), or null.</summary>
    private static TokenUsage? Usage(Microsoft.SemanticKernel.ChatMessageContent? message)
    {
        return message?.Metadata?.TryGetValue("Usage", out var usage) == true && usage is ChatTokenUsage tokens
            ? new TokenUsage(
                tokens.InputTokenCount, tokens.OutputTokenCount, tokens.InputTokenDetails?.CachedTokenCount)
            : null;
    }

    /// <summary>The bound on an answer's tokens the settings send (<c>max_completion_tokens</c>, or
    /// <c>max_tokens</c> for servers that want that field); 0 when none.</summary>
    private static int AnswerTokens(OpenAIPromptExecutionSettings settings) =>
        settings.MaxTokens
        ?? (settings.ExtraBody?.TryGetValue("max_tokens", out var extra) == true && extra is int bound ? bound : 0);

    /// <summary>The prompt's variables for <paramref name="paragraph"/> (the same for a call and a batch
    /// line).</summary>
    public void PromptValues(Paragraph paragraph, string feedback, Dictionary<string, string> values)
    {
        values["paragraph"] = paragraph.Text;
        values["title"] = paragraph.DocumentTitle ?? string.Empty;
        values["previous"] = paragraph.Previous ?? string.Empty;
        values["targets"] = paragraph.FocusTarget is { } focus && !prompt.Targets.Canonicalize(focus).Watched
            ? $"{_targets}\n- {focus}: {focus} (asked about specifically: score it whenever the paragraph " +
                "takes any position on it)"
            : _targets;
        values["feedback"] = feedback;
    }

    /// <summary>The feedback an ask carries after an answer was rejected for <paramref name="reason"/>.</summary>
    public static string RejectionFeedback(string reason) =>
        $"<rejected_previous_answer>Your previous answer was rejected: {reason}. " +
        "Answer again with one JSON object that follows the schema.</rejected_previous_answer>";

    /// <summary>Checks an answer's content for <paramref name="paragraph"/> with the same parsing, schema and rules
    /// as a call's answer.</summary>
    public AnswerCheck Validate(string? content, Paragraph paragraph) => _validator.Validate(content, paragraph);

    /// <summary>The tokens a request for <paramref name="paragraph"/> may use: the prompt's estimate and the
    /// answer's bound.</summary>
    public long EstimateTokens(Paragraph paragraph) => _estimator.PromptTokens(paragraph) + AnswerTokens(settings);

    /// <summary>The bound on one answer's tokens (its max tokens) of a first ask or a batch line.</summary>
    public int AnswerTokenBound => AnswerTokens(settings);

    /// <summary>The body the synchronous path sends, captured through the chat service registered under
    /// <paramref name="serviceKey"/> (one that sends through <paramref name="capture"/>), with each prompt variable's
    /// value replaced by its marker (<c>RequestTemplate.Marker</c>).</summary>
    public async Task<string> CaptureRequestBodyAsync(
        string serviceKey,
        Batch.RequestCapture capture,
        CancellationToken cancellationToken)
    {
        var captured = (OpenAIPromptExecutionSettings)_sent.Clone();
        captured.ServiceId = serviceKey;
        var chat = await ChatAsync().ConfigureAwait(false);
        var markers = s_variables.ToDictionary(name => name, Batch.RequestTemplate.Marker, StringComparer.Ordinal);
        await ChatService(serviceKey)
            .GetChatMessageContentsAsync(chat.History(markers), captured, kernel, cancellationToken)
            .ConfigureAwait(false);
        return capture.LastBody;
    }

    /// <summary>The prompt's messages, rendered by Semantic Kernel on first use, once (the same for every request of
    /// the run).</summary>
    private Task<ChatPrompt> ChatAsync() => _chat.Value;

    /// <summary>The kernel's chat service, as the prompt function would select it: the default one, or the one
    /// registered under <paramref name="serviceKey"/>.</summary>
    private IChatCompletionService ChatService(string? serviceKey) =>
        serviceKey is null
            ? kernel.GetRequiredService<IChatCompletionService>()
            : kernel.GetRequiredService<IChatCompletionService>(serviceKey);

    /// <summary>The answer of a chat call: its one message, or null when it returned none.</summary>
    private static Microsoft.SemanticKernel.ChatMessageContent? First(
        IReadOnlyList<Microsoft.SemanticKernel.ChatMessageContent> messages) =>
        messages.Count > 0 ? messages[0] : null;

    private static string? Normalize(string? finishReason) =>
        finishReason?.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>The settings of an ask cut off at the token limit: twice the room.</summary>
    private OpenAIPromptExecutionSettings Roomy => _roomy ??= WithMoreRoom(_sent);

    /// <summary><paramref name="settings"/> with a JSON-schema response format (as config.json gives it) built into
    /// the SDK's <see cref="ChatResponseFormat"/> once, as Semantic Kernel would build it for every request (the
    /// schema's text copied twice a request); other formats as they are.</summary>
    internal static OpenAIPromptExecutionSettings WithBuiltFormat(OpenAIPromptExecutionSettings settings)
    {
        if (settings.ResponseFormat is not JsonElement format
            || format.ValueKind != JsonValueKind.Object
            || !format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || type.GetString() != "json_schema"
            || !format.TryGetProperty("json_schema", out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object
            || !jsonSchema.TryGetProperty("schema", out var schema)
            || (jsonSchema.TryGetProperty("name", out var name) && name.ValueKind != JsonValueKind.String))
        {
            // Anything else is left to Semantic Kernel, request by request, as before.
            return settings;
        }

        var built = (OpenAIPromptExecutionSettings)settings.Clone();
        built.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(
            name.ValueKind == JsonValueKind.String ? name.GetString() : "JsonSchema",
            BinaryData.FromString(schema.ToString()),
            jsonSchemaIsStrict: jsonSchema.TryGetProperty("strict", out var strict)
                && strict.ValueKind == JsonValueKind.True ? true : null);
        return built;
    }

    private static OpenAIPromptExecutionSettings WithMoreRoom(OpenAIPromptExecutionSettings settings)
    {
        var roomy = (OpenAIPromptExecutionSettings)settings.Clone();
        if (roomy.MaxTokens is { } max)
        {
            roomy.MaxTokens = max * 2;
        }
        else if (roomy.ExtraBody?.TryGetValue("max_tokens", out var extra) == true && extra is int extraMax)
        {
            roomy.ExtraBody = new Dictionary<string, object?>(roomy.ExtraBody) { ["max_tokens"] = extraMax * 2 };
        }

        return roomy;
    }

    [LoggerMessage(
        EventId = 21,
        Level = LogLevel.Warning,
        Message = "Answer for paragraph {ParagraphId} rejected (ask {Ask}): {Reason}")]
    private static partial void LogRejected(ILogger logger, string paragraphId, int ask, string reason);

    [LoggerMessage(
        EventId = 22,
        Level = LogLevel.Warning,
        Message = "Answer for paragraph {ParagraphId} was cut off at the token limit; " +
            "asking once more with twice the room")]
    private static partial void LogCutOff(ILogger logger, string paragraphId);

    /// <summary>The state of one paragraph's asks.</summary>
    private sealed class Call(Paragraph paragraph, string targets, OpenAIPromptExecutionSettings settings, long started)
    {
        public int Attempts;

        public Paragraph Paragraph { get; } = paragraph;

        public string Targets { get; } = targets;

        private JsonObject? _narrowedFormat;

        public OpenAIPromptExecutionSettings Settings { get; set; } = settings;

        /// <summary>The settings with the answer schema narrowed to this paragraph (for grammar-constrained
        /// models).</summary>
        public OpenAIPromptExecutionSettings Narrowed(StancePrompt prompt)
        {
            _narrowedFormat ??= new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject
                {
                    ["name"] = "paragraph_stance",
                    ["strict"] = true,
                    ["schema"] = ParagraphSchema.Narrow(prompt.AnswerSchema, Paragraph, prompt.Targets),
                },
            };
            var narrowed = (OpenAIPromptExecutionSettings)Settings.Clone();
            narrowed.ResponseFormat = _narrowedFormat;
            return narrowed;
        }

        public string Feedback { get; set; } = string.Empty;

        /// <summary>The last answer's token log-probabilities (<see cref="AnswerTokensHandler"/>), when asked
        /// for.</summary>
        public AnswerTokens? Tokens { get; set; }

        /// <summary>The estimate of the paragraph's prompt tokens, made at its first ask.</summary>
        public int? PromptTokens { get; set; }

        public int? InputTokens { get; set; }

        public int? OutputTokens { get; set; }

        public int? CachedInputTokens { get; set; }

        public double Elapsed => Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        public ScoreOutcome Fail(string kind, string error) =>
            ScoreOutcome.Failed(kind, error, Attempts, InputTokens, OutputTokens, Elapsed) with
            {
                CachedInputTokens = CachedInputTokens,
            };
    }
}

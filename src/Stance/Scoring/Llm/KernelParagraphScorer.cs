using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;
using Polly;
using Stance.Paragraphs;
using Stance.Prompts;

namespace Stance.Scoring.Llm;

/// <summary>Scores a paragraph with the stance prompt through Semantic Kernel, each call inside the Polly pipeline;
/// an invalid answer is asked again with the reason, a bounded number of times.</summary>
internal sealed partial class KernelParagraphScorer(
    Kernel kernel,
    StancePrompt prompt,
    OpenAIPromptExecutionSettings settings,
    ResiliencePipeline pipeline,
    LlmScorerInfo info,
    ILogger<KernelParagraphScorer> logger) : IParagraphScorer
{
    private readonly KernelFunction _function = KernelFunctionFactory.CreateFromPrompt(prompt.Config, new KernelPromptTemplateFactory());
    private readonly AnswerValidator _validator = new(prompt, info.RequireMentionedTargets);
    private readonly string _targets = prompt.Targets.ToPromptText();

    /// <inheritdoc />
    public string Provider => info.Provider;

    /// <inheritdoc />
    public string Model => info.Model;

    /// <inheritdoc />
    public async Task<ScoreOutcome> ScoreAsync(Paragraph paragraph, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var attempts = 0;
        int? inputTokens = null, outputTokens = null;
        var arguments = new KernelArguments(settings)
        {
            ["paragraph"] = paragraph.Text,
            ["title"] = paragraph.DocumentTitle ?? string.Empty,
            ["previous"] = paragraph.Previous ?? string.Empty,
            ["targets"] = _targets,
            ["feedback"] = string.Empty,
        };

        string? reason = null;
        for (var ask = 0; ask <= info.MaxRepairs; ask++)
        {
            FunctionResult result;
            try
            {
                result = await pipeline.ExecuteAsync(
                    async ct =>
                    {
                        Interlocked.Increment(ref attempts);
                        return await kernel.InvokeAsync(_function, arguments, ct).ConfigureAwait(false);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (TransientFaults.AbortsRun(ex))
                {
                    throw new RunAbortedException(TransientFaults.Describe(ex), ex);
                }

                return ScoreOutcome.Failed(TransientFaults.Describe(ex), attempts, inputTokens, outputTokens, Elapsed(started));
            }

            var message = result.GetValue<Microsoft.SemanticKernel.ChatMessageContent>();
            if (message?.Metadata?.TryGetValue("Usage", out var usage) == true && usage is ChatTokenUsage tokens)
            {
                inputTokens = (inputTokens ?? 0) + tokens.InputTokenCount;
                outputTokens = (outputTokens ?? 0) + tokens.OutputTokenCount;
            }

            var finish = message?.Metadata?.TryGetValue("FinishReason", out var f) == true ? f?.ToString() : null;
            var check = string.Equals(finish, "length", StringComparison.OrdinalIgnoreCase)
                ? AnswerCheck.Reject("the answer was cut off at the token limit; answer more briefly")
                : _validator.Validate(message?.Content, paragraph);
            if (check.Answer is { } answer)
            {
                return new ScoreOutcome(ParagraphStatus.Ok, answer, null, attempts, inputTokens, outputTokens, Elapsed(started));
            }

            reason = check.Reason;
            LogRejected(logger, paragraph.Id, ask + 1, reason!);
            arguments["feedback"] = $"<rejected_previous_answer>Your previous answer was rejected: {reason}. Answer again with one JSON object that follows the schema.</rejected_previous_answer>";
        }

        return ScoreOutcome.Failed($"invalid answer after {info.MaxRepairs + 1} asks: {reason}", attempts, inputTokens, outputTokens, Elapsed(started));
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Answer for paragraph {ParagraphId} rejected (ask {Ask}): {Reason}")]
    private static partial void LogRejected(ILogger logger, string paragraphId, int ask, string reason);
}

/// <summary>What the LLM scorer writes to rows and how strict it is.</summary>
internal sealed record LlmScorerInfo(string Provider, string Model, int MaxRepairs, bool RequireMentionedTargets);

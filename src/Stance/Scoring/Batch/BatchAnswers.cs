using Stance.Contract;
using Stance.Journal;
using Stance.Paragraphs;
using Stance.Scoring.Llm;

namespace Stance.Scoring.Batch;

/// <summary>The scorer of a batch run's scoring pass: a paragraph's answer comes from its batch line, through the
/// same parsing, schema and rules as a synchronous answer. A line without a valid answer follows
/// <see cref="BatchRetry"/>: asked again through the synchronous path (with the rejection as feedback), or written as
/// failed with its kind.</summary>
internal sealed class BatchAnswers(KernelParagraphScorer sync, BatchLedger ledger, RunStamp run, BatchRetry retry)
    : IParagraphScorer
{
    /// <inheritdoc />
    public string Provider => sync.Provider;

    /// <inheritdoc />
    public string Model => sync.Model;

    /// <inheritdoc />
    public bool IsMetered => true;

    /// <inheritdoc />
    public async Task<ScoreOutcome> ScoreAsync(Paragraph paragraph, CancellationToken cancellationToken)
    {
        var key = RequestKey.For(paragraph, run.PromptSha256, run.Provider, run.Model);
        var line = ledger.Result(run.RunId, key);
        if (line is null)
        {
            return await OtherwiseAsync(paragraph, FailureKind.BatchLineError,
                "the paragraph was in no batch of this run", null, null, cancellationToken).ConfigureAwait(false);
        }

        if (line.ErrorKind == FailureKind.Budget)
        {
            // Kept back by the budget: never sent, and not asked otherwise either.
            return ScoreOutcome.Failed(FailureKind.Budget, line.Error ?? "not submitted: over the budget", 0, null,
                null, 0);
        }

        if (line.StatusCode != 200)
        {
            return await OtherwiseAsync(paragraph, line.ErrorKind ?? FailureKind.BatchLineError,
                line.Error ?? "no answer", null, line, cancellationToken).ConfigureAwait(false);
        }

        if (line.FinishReason == "content_filter")
        {
            return Failed(FailureKind.ContentFilter,
                $"the provider's content filter refused to answer (batch {line.BatchId})", line);
        }

        if (line.FinishReason == "length")
        {
            return await OtherwiseAsync(paragraph, FailureKind.CutOff,
                $"the answer was cut off at the token limit (batch {line.BatchId})", null, line, cancellationToken)
                .ConfigureAwait(false);
        }

        var check = sync.Validate(line.Content, paragraph);
        if (check.Answer is { } answer)
        {
            return ScoreOutcome.Ok(answer, line.Round, line.InputTokens, line.OutputTokens, 0) with
            {
                BatchId = line.BatchId,
                CachedInputTokens = line.CachedTokens,
            };
        }

        return await OtherwiseAsync(paragraph, FailureKind.InvalidAnswer,
            $"invalid answer from batch {line.BatchId}: {check.Reason}", check.Reason, line, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<ScoreOutcome> OtherwiseAsync(
        Paragraph paragraph,
        string kind,
        string error,
        string? rejection,
        BatchLineResult? line,
        CancellationToken cancellationToken)
    {
        if (retry != BatchRetry.Sync)
        {
            return Failed(kind, error, line);
        }

        var outcome = await sync.ScoreAsync(paragraph, rejection, cancellationToken).ConfigureAwait(false);
        return outcome with { Attempts = outcome.Attempts + (line?.Round ?? 0) };
    }

    private static ScoreOutcome Failed(string kind, string error, BatchLineResult? line) =>
        ScoreOutcome.Failed(kind, error, line?.Round ?? 0, line?.InputTokens, line?.OutputTokens, 0) with
        {
            BatchId = line?.BatchId,
            CachedInputTokens = line?.CachedTokens,
        };
}

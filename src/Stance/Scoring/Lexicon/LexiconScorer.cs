using System.Diagnostics;
using Stance.Contract;
using Stance.Paragraphs;
using Stance.Prompts;

namespace Stance.Scoring.Lexicon;

/// <summary>The zero-setup provider: the lexicon baseline, checked by the same validator as an LLM's answer.</summary>
internal sealed class LexiconScorer(StancePrompt prompt) : IParagraphScorer
{
    /// <summary>The provider name in the tables.</summary>
    public const string ProviderName = "lexicon";

    /// <summary>The model name in the tables.</summary>
    public const string ModelName = "stance-lexicon-v2";

    private readonly LexiconAnalyzer _analyzer = new(prompt.Targets);
    private readonly AnswerValidator _validator = new(prompt);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LexiconAnalyzer> _focused =
        new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Provider => ProviderName;

    /// <inheritdoc />
    public string Model => ModelName;

    /// <inheritdoc />
    public bool IsMetered => false;

    /// <inheritdoc />
    public Task<ScoreOutcome> ScoreAsync(Paragraph paragraph, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        // The baseline's answer is built to the schema; it goes through the same rules as an LLM's, without a JSON
        // round trip.
        var analyzer = paragraph.FocusTarget is { } focus
            ? _focused.GetOrAdd(focus, f => new LexiconAnalyzer(prompt.Targets.With(f)))
            : _analyzer;
        var check = _validator.Check(analyzer.Analyze(paragraph.Text), paragraph);
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return Task.FromResult(check.Answer is { } answer
            ? ScoreOutcome.Ok(answer, 1, null, null, latency)
            : ScoreOutcome.Failed(
                FailureKind.InvalidAnswer,
                $"lexicon answer rejected: {check.Reason}",
                1,
                null,
                null,
                latency));
    }
}

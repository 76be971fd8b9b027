using Stance.Contract;
using Stance.Paragraphs;

namespace Stance.Scoring;

/// <summary>Scores one paragraph; implementations never throw for a bad answer, they return a failed outcome.</summary>
internal interface IParagraphScorer
{
    /// <summary>The provider name written to every row (<c>lexicon</c>, <c>openai</c>, <c>azure</c>).</summary>
    string Provider { get; }

    /// <summary>The model or deployment written to every row.</summary>
    string Model { get; }

    /// <summary>True when each call costs money or time, so answers are journaled and reused; false for the
    /// lexicon.</summary>
    bool IsMetered { get; }

    /// <summary>Gets ready before the first paragraph (the local provider finds, downloads and loads its
    /// model).</summary>
    /// <exception cref="Local.ModelUnavailableException">The local model cannot be had; nothing should be
    /// scored.</exception>
    Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Scores <paramref name="paragraph"/>; only cancellation of the run escapes as an exception.</summary>
    Task<ScoreOutcome> ScoreAsync(Paragraph paragraph, CancellationToken cancellationToken);
}

using Stance.Contract;
using Stance.Paragraphs;

namespace Stance.Scoring;

/// <summary>One paragraph, its outcome and when the outcome was known.</summary>
internal sealed record ScoredParagraph(Paragraph Paragraph, ScoreOutcome Outcome, DateTimeOffset ScoredAt);

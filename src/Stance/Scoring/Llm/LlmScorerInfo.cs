namespace Stance.Scoring.Llm;

/// <summary>What the LLM scorer writes to rows and how strict it is.</summary>
/// <param name="NarrowSchema">Send each paragraph's narrowed answer schema (<see cref="ParagraphSchema"/>) instead of
/// the prompt's, for a grammar-constrained model.</param>
internal sealed record LlmScorerInfo(
    string Provider,
    string Model,
    int MaxRepairs,
    bool RequireMentionedTargets,
    int MaxParagraphChars,
    bool NarrowSchema = false);

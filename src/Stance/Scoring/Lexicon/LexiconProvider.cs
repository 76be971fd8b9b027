using Microsoft.Extensions.DependencyInjection;
using Stance.Prompts;

namespace Stance.Scoring.Lexicon;

/// <summary>The zero-setup default: the offline word-list baseline, no model, no key, no call.</summary>
internal sealed class LexiconProvider : ScoringProvider
{
    /// <inheritdoc />
    public override string Name => LexiconScorer.ProviderName;

    /// <inheritdoc />
    public override IReadOnlyList<string> SecretKeys => [];

    /// <inheritdoc />
    public override bool IsLanguageModel => false;

    /// <inheritdoc />
    public override string ModelName(LlmOptions llm, IServiceProvider services) => LexiconScorer.ModelName;

    /// <inheritdoc />
    public override IParagraphScorer CreateScorer(IServiceProvider services, StancePrompt prompt) =>
        new LexiconScorer(prompt);
}

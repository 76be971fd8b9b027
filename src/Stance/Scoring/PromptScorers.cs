using Stance.Prompts;

namespace Stance.Scoring;

/// <summary>Makes a scorer of the configured provider for another prompt folder (the B side of <c>--compare</c>):
/// the same chat service, HTTP client, Polly pipeline, pacing and budget as the run's own scorer.</summary>
internal sealed class PromptScorers(IServiceProvider services, ModelChoice model)
{
    /// <summary>A scorer that asks with <paramref name="prompt"/>.</summary>
    public IParagraphScorer For(StancePrompt prompt) => model.Provider.CreateScorer(services, prompt);
}

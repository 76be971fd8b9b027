using Stance.Scoring.Lexicon;
using Stance.Scoring.Llm;
using Stance.Scoring.Local;

namespace Stance.Scoring;

/// <summary>The providers the job knows, by name: the one place that lists them.</summary>
internal static class ScoringProviders
{
    /// <summary>Every provider, the zero-setup default first.</summary>
    public static IReadOnlyList<ScoringProvider> All { get; } =
        [new LexiconProvider(), new OpenAiProvider(), new AzureOpenAiProvider(), new LocalProvider()];

    /// <summary>The provider used when none is configured.</summary>
    public static ScoringProvider Default => All[0];

    /// <summary>The names, for messages: <c>lexicon, openai, azure, local</c>.</summary>
    public static string Names => string.Join(", ", All.Select(p => p.Name));

    /// <summary>The provider called <paramref name="name"/> (case and spaces ignored), or null.</summary>
    public static ScoringProvider? Find(string? name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The provider of <paramref name="llm"/>; the validator has refused an unknown name before this is
    /// asked.</summary>
    public static ScoringProvider For(LlmOptions llm) =>
        Find(llm.Provider) ?? throw new InvalidOperationException($"unknown provider '{llm.Provider}'");
}

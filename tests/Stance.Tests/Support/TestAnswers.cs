using Stance.Contract;
using Stance.Prompts;
using Stance.Scoring.Lexicon;

namespace Stance.Tests.Support;

/// <summary>Realistic, schema-valid answers for the test server: the lexicon's analysis of the paragraph as
/// JSON.</summary>
internal static class TestAnswers
{
    private static readonly Lazy<StancePrompt> s_prompt = new(() => PromptLoader.Load(RepoPaths.StancePrompt));

    /// <summary>The repository's stance prompt, loaded once.</summary>
    public static StancePrompt Prompt => s_prompt.Value;

    /// <summary>A valid answer for <paramref name="paragraph"/>.</summary>
    public static string For(string paragraph) =>
        StanceAnswerJson.Serialize(new LexiconAnalyzer(Prompt.Targets).Analyze(paragraph));
}

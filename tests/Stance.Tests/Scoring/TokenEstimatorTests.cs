using Microsoft.SemanticKernel;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Scoring;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring;

/// <summary>The prompt-token estimate: the model family's tiktoken encoding, the four-characters fallback, and a
/// paragraph's estimate as the prompt's fixed tokens plus its own parts. The expected counts were checked against
/// OpenAI's tiktoken, not taken from the tokenizer under test.</summary>
public sealed class TokenEstimatorTests
{
    private const string Sentence = "Text tokenization is the process of splitting a string into a list of tokens.";

    // A prompt whose fixed text is "Hello, world!" and one watched target: "Hello, world!\n- Ruritania: Ruritanian,
    // Ruritanians" once the chat markup is out (17 tokens in o200k_base, 19 in cl100k_base, 50 characters), in two
    // messages.
    private static readonly StancePrompt s_smallPrompt = TestAnswers.Prompt with
    {
        Config = new PromptTemplateConfig(
            "<message role=\"system\">Hello, world!{{$targets}}</message>"
            + "<message role=\"user\">{{$paragraph}}</message>"),
        Targets = WatchedTargets.Parse(
            """{"targets":[{"name":"Ruritania","aliases":["Ruritanian","Ruritanians"]}]}"""),
        Examples = [],
        ExampleValues = new Dictionary<string, string>(),
    };

    [Theory]
    [InlineData("gpt-4o-mini", "Hello, world!", 4)]
    [InlineData("gpt-4", "Hello, world!", 4)]
    [InlineData("gpt-4o-mini", Sentence, 16)]
    [InlineData("gpt-4", Sentence, 16)]
    [InlineData("gpt-4o-mini", "こんにちは世界", 2)]
    [InlineData("gpt-4", "こんにちは世界", 4)]
    [InlineData("gpt-4o-mini", "Здравствуй, мир! Как дела?", 10)]
    [InlineData("gpt-4", "Здравствуй, мир! Как дела?", 14)]
    [InlineData("gpt-4o-mini", "I love 🍕 and 🎉!", 8)]
    [InlineData("gpt-4", "I love 🍕 and 🎉!", 10)]
    [InlineData("llama-3", "Hello, world!", 4)]
    [InlineData("llama-3", "こんにちは世界", 2)]
    public void AStringCountsTheTokensOfItsModelsEncoding(string model, string text, int tokens) =>
        Assert.Equal(tokens, new TokenEstimator(s_smallPrompt, model).Count(text));

    [Theory]
    [InlineData("gpt-4o", "o200k_base")]
    [InlineData("gpt-4o-mini", "o200k_base")]
    [InlineData("gpt-4o-2024-08-06", "o200k_base")]
    [InlineData("chatgpt-4o-latest", "o200k_base")]
    [InlineData("gpt-4.1-nano", "o200k_base")]
    [InlineData("gpt-4.5-preview", "o200k_base")]
    [InlineData("gpt-5", "o200k_base")]
    [InlineData("gpt-5-mini", "o200k_base")]
    [InlineData("o1", "o200k_base")]
    [InlineData("o3-mini", "o200k_base")]
    [InlineData("o4-mini", "o200k_base")]
    [InlineData("GPT-4o-Mini", "o200k_base")]
    [InlineData("openai/gpt-4o", "o200k_base")]
    [InlineData("gpt-4o-mini-batch", "o200k_base")]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-4-turbo", "cl100k_base")]
    [InlineData("gpt-4-0613", "cl100k_base")]
    [InlineData("gpt-3.5-turbo", "cl100k_base")]
    [InlineData("gpt-35-turbo", "cl100k_base")]
    [InlineData("text-embedding-3-small", "cl100k_base")]
    [InlineData("llama-3", "chars/4")]
    [InlineData("stories260K", "chars/4")]
    [InlineData("qwen2.5-0.5b-instruct-q4_k_m.gguf", "chars/4")]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", "chars/4")]
    [InlineData("my-prod-deployment", "chars/4")]
    [InlineData("o10-model", "chars/4")]
    [InlineData("test-model", "chars/4")]
    [InlineData("", "chars/4")]
    public void AModelNameMapsToItsFamilysEncodingOrToTheCharacterEstimate(string model, string method)
    {
        var estimator = new TokenEstimator(s_smallPrompt, model);

        Assert.Equal(method, estimator.Method);
        Assert.Equal(method != "chars/4", estimator.IsTokenizer);
    }

    [Theory]
    [InlineData("gpt-4o-mini", 17)]
    [InlineData("gpt-3.5-turbo", 19)]
    [InlineData("stories260K", 13)]
    public void TheFixedPartIsTheTemplateWithoutMarkupAndTheTargetsPlusThreeTokensAMessageAndThreeForTheReply(
        string model, int text) =>
        Assert.Equal(text + (2 * 3) + 3, new TokenEstimator(s_smallPrompt, model).FixedTokens);

    [Theory]
    [InlineData("gpt-4o-mini", 4 + 16 + 2)]
    [InlineData("gpt-4", 4 + 16 + 4)]
    [InlineData("stories260K", 4 + 20 + 2)] // 13, 77 and 7 characters
    public void AParagraphsEstimateIsTheFixedPartPlusItsTextTitleAndPreviousParagraph(string model, int variable)
    {
        var estimator = new TokenEstimator(TestAnswers.Prompt, model);
        var paragraph = new Paragraph("doc", Sentence, "doc.txt", 1, "id", "sha", "Hello, world!", "こんにちは世界");

        Assert.Equal(estimator.FixedTokens + variable, estimator.PromptTokens(paragraph));
        Assert.Equal(
            estimator.FixedTokens + estimator.Count("Hello, world!"),
            estimator.PromptTokens(paragraph with { DocumentTitle = null, Previous = null }));
    }

    [Fact]
    public void TheRepositorysEnglishPromptCountsWithinAFifthOfItsCharactersOverFour()
    {
        var exact = new TokenEstimator(TestAnswers.Prompt, "gpt-4o-mini").FixedTokens;
        var rough = new TokenEstimator(TestAnswers.Prompt, "llama-3").FixedTokens;

        Assert.InRange(exact, rough * 0.8, rough * 1.2);
    }
}

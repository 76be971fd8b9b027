using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Stance.Scoring.Local;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Local;

/// <summary>The in-process model: chat formats and grammar-constrained generation with the shared test model.</summary>
[Collection(RunsAlone.Name)]
public sealed class LocalModelTests
{
    private static readonly (string, string)[] s_chat =
        [("system", "Answer in JSON."), ("user", "Say \"yes\" & <mean> it.")];

    [SkippableFact]
    public async Task AModelWithoutAChatTemplateGetsChatMl()
    {
        Skip.If(RepoPaths.TestModel is null, RepoPaths.NoTestModel);
        using var model = Load(RepoPaths.TestModel!);
        await model.LoadAsync(default);

        Assert.Equal("chatml", model.ChatFormat);
        Assert.Equal(
            "<|im_start|>system\nAnswer in JSON.<|im_end|>\n" +
            "<|im_start|>user\nSay \"yes\" & <mean> it.<|im_end|>\n" +
            "<|im_start|>assistant\n",
            model.Format(s_chat));
    }

    [SkippableFact]
    public async Task AModelWithItsOwnChatTemplateIsFormattedWithIt()
    {
        Skip.If(RepoPaths.TestModel is null, RepoPaths.NoTestModel);
        using var folder = new TempFolder();
        var withTemplate = Path.Combine(folder.Path, "templated.gguf");
        GgufFile.CopyWithMetadata(RepoPaths.TestModel!, withTemplate, LocalChatFormat.ChatTemplateKey, "gemma");
        using var model = Load(withTemplate);
        await model.LoadAsync(default);

        var prompt = model.Format(s_chat);

        Assert.Equal("model", model.ChatFormat);
        Assert.Contains("<start_of_turn>user\n", prompt, StringComparison.Ordinal);
        Assert.Contains("Say \"yes\" & <mean> it.", prompt, StringComparison.Ordinal);
        Assert.EndsWith("<start_of_turn>model\n", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("<|im_start|>", prompt, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task EveryGenerationFollowsTheGrammarAndEnds()
    {
        Skip.If(RepoPaths.TestModel is null, RepoPaths.NoTestModel);
        using var model = Load(RepoPaths.TestModel!);
        using var schema = JsonDocument.Parse("""
            {"type":"object","properties":{"label":{"enum":["a","b"]},
             "score":{"type":"number","minimum":-1,"maximum":1},
             "note":{"type":"string","maxLength":30},
             "tags":{"type":"array","items":{"type":"string","maxLength":5},"maxItems":3}}}
            """);
        var grammar = JsonSchemaGbnf.Build(schema.RootElement);
        var pattern = GbnfRegex.Compile(grammar.Text);

        foreach (var temperature in new[] { 0f, 0.8f, 1.5f })
        {
            var generation = await model.GenerateAsync(s_chat, grammar, grammar.MaxBytes, temperature, default);

            Assert.Equal("stop", generation.FinishReason);
            Assert.Matches(pattern, generation.Text);
            Assert.InRange(generation.OutputTokens, 1, grammar.MaxBytes);
            Assert.True(generation.InputTokens > 10);
        }
    }

    [SkippableFact]
    public async Task ThePromptPrefixSharedWithThePreviousCallIsNotEvaluatedAgain()
    {
        Skip.If(RepoPaths.TestModel is null, RepoPaths.NoTestModel);
        using var model = Load(RepoPaths.TestModel!);
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"label":{"enum":["a","b"]}}}""");
        var grammar = JsonSchemaGbnf.Build(schema.RootElement);
        var instructions = string.Concat(Enumerable.Repeat("Answer with a label for the paragraph. ", 20));

        var first = await model.GenerateAsync(
            [("system", instructions), ("user", "One paragraph.")], grammar, 64, 0, default);
        var second = await model.GenerateAsync(
            [("system", instructions), ("user", "Another, longer paragraph.")], grammar, 64, 0, default);
        var other = await model.GenerateAsync(
            [("system", "Something else entirely."), ("user", "One paragraph.")], grammar, 64, 0, default);

        Assert.Equal(0, first.ReusedTokens);
        Assert.InRange(second.ReusedTokens, first.InputTokens / 2, first.InputTokens - 1);
        // Only the chat format's opening is shared.
        Assert.InRange(other.ReusedTokens, 0, "<|im_start|>system\n".Length);
        Assert.All(new[] { first, second, other }, g => Assert.Matches(GbnfRegex.Compile(grammar.Text), g.Text));
    }

    private static LocalModel Load(string path) =>
        new(
            new LocalModelOptions { ModelPath = path, Threads = 1 },
            _ => Task.FromResult(path),
            NullLogger<LocalModel>.Instance);
}

using System.Text.Json;
using Stance.Contract;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Scoring;
using Stance.Scoring.Local;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Local;

/// <summary>The answer schema narrowed to one paragraph: its grammar accepts what it allows, and everything it allows
/// is valid under the prompt's schema and passes the answer rules.</summary>
public sealed class ParagraphSchemaTests
{
    private static readonly IReadOnlyList<Paragraph> s_paragraphs = ParagraphSource.Read(RepoPaths.Data).Paragraphs;

    [Fact]
    public void EveryAnswerTheNarrowedSchemaAllowsIsAcceptedByTheGrammarTheSchemaAndTheAnswerRules()
    {
        var validator = new AnswerValidator(TestAnswers.Prompt);
        var sampler = new SchemaSampler(seed: 7);
        var checkedAnswers = 0;
        foreach (var paragraph in s_paragraphs)
        {
            var narrowed = ParagraphSchema.Narrow(
                TestAnswers.Prompt.AnswerSchema, paragraph, TestAnswers.Prompt.Targets);
            var built = JsonSchemaGbnf.Build(JsonSerializer.SerializeToElement(narrowed));
            var grammar = GbnfRegex.Compile(built.Text);
            for (var i = 0; i < 20; i++)
            {
                var answer = sampler.Sample(narrowed);
                Assert.True(System.Text.Encoding.UTF8.GetByteCount(answer) <= built.MaxBytes);

                Assert.True(grammar.IsMatch(answer), $"grammar rejects {answer}");
                using var json = JsonDocument.Parse(answer);
                Assert.Empty(JsonSchemaChecker.Check(TestAnswers.Prompt.AnswerSchema, json.RootElement));
                var check = validator.Validate(answer, paragraph);
                Assert.True(check.Answer is not null, $"{paragraph.Id}: {check.Reason} in {answer}");
                checkedAnswers++;
            }
        }

        Assert.True(checkedAnswers >= 200, $"only {checkedAnswers} answers checked");
    }

    [Fact]
    public void TheTargetsAreExactlyTheWatchedTargetsTheParagraphNamesEachWithItsOwnWordsAndSentences()
    {
        var paragraph = Paragraph(
            "Washington keeps lecturing Baku. The U.S. should look at itself. Nobody asked Armenia.");

        var narrowed = ParagraphSchema.Narrow(TestAnswers.Prompt.AnswerSchema, paragraph, TestAnswers.Prompt.Targets);

        var targets = narrowed["anyOf"]![0]!["properties"]!["targets"]!;
        Assert.Equal(3, (int)targets["minItems"]!);
        Assert.Equal(3, (int)targets["maxItems"]!);
        var first = targets["prefixItems"]![0]!["anyOf"]![0]!["properties"]!;
        Assert.Equal("United States", (string?)first["target"]!["enum"]![0]);
        Assert.Equal(["Washington", "U.S."], first["mention"]!["enum"]!.AsArray().Select(m => (string?)m));
        Assert.Equal(
            ["Washington keeps lecturing Baku.", "The U.S. should look at itself."],
            first["evidence"]!["enum"]!.AsArray().Select(m => (string?)m));
        Assert.Equal(
            [null, "United States", "Azerbaijan", "Armenia"],
            narrowed["anyOf"]![0]!["properties"]!["main_target"]!["enum"]!.AsArray().Select(m => (string?)m));
    }

    [Theory]
    [InlineData(
        "\"sentiment_label\":\"negative\"",
        "\"sentiment_label\":\"positive\"",
        "a positive label with a negative score")]
    [InlineData(
        "\"sentiment_label\":\"negative\",\"sentiment_score\":-0.50",
        "\"sentiment_label\":\"neutral\",\"sentiment_score\":0.30",
        "a neutral label outside ±0.25")]
    [InlineData(
        "\"evidence\":\"The U.S. should look at itself.\"",
        "\"evidence\":\"Nobody asked Armenia.\"",
        "evidence from a sentence that does not name the target")]
    [InlineData("\"target\":\"Armenia\"", "\"target\":\"Russia\"", "a target the paragraph does not name")]
    [InlineData("\"main_target\":\"United States\"", "\"main_target\":\"France\"", "a main target that is not scored")]
    [InlineData(
        "\"stance_score\":-0.60,\"confidence\":0.70,\"rationale\"",
        "\"stance_score\":-0.6,\"confidence\":0.70,\"rationale\"",
        "a number written with one decimal")]
    public void TheGrammarRejectsWhatTheAnswerRulesWouldReject(string part, string broken, string what)
    {
        var paragraph = Paragraph("The U.S. should look at itself. Nobody asked Armenia.");
        var narrowed = ParagraphSchema.Narrow(TestAnswers.Prompt.AnswerSchema, paragraph, TestAnswers.Prompt.Targets);
        var grammar = GbnfRegex.Compile(JsonSchemaGbnf.Convert(JsonSerializer.SerializeToElement(narrowed)));
        var valid =
            """{"sentiment_label":"negative","sentiment_score":""" +
            """-0.50,"main_target":"United States","stance_label":"against","stance_score":""" +
            """-0.60,"confidence":0.70,"rationale":"r","targets":[""" +
            """{"target":"United States","mention":"U.S.","stance_label":"against","stance_score":""" +
            """-0.60,"confidence":0.70,"evidence":"The U.S. should look at itself."},""" +
            """{"target":"Armenia","mention":"Armenia","stance_label":"neutral","stance_score":""" +
            """0.00,"confidence":0.50,"evidence":"Nobody asked Armenia."}]}""";
        var at = valid.IndexOf(part, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the valid answer has no {part}");
        var mutated = valid[..at] + broken + valid[(at + part.Length)..];

        Assert.Matches(grammar, valid);
        Assert.DoesNotMatch(grammar, mutated);
        Assert.NotNull(new AnswerValidator(TestAnswers.Prompt).Validate(valid, paragraph).Answer);
        _ = what; // names the case in the test's display name
    }

    [Fact]
    public void AFocusTargetTheParagraphDoesNotNameIsStillScored()
    {
        var paragraph = Paragraph("Sanctions never work.") with { FocusTarget = "Iran" };

        var narrowed = ParagraphSchema.Narrow(TestAnswers.Prompt.AnswerSchema, paragraph, TestAnswers.Prompt.Targets);

        var item = narrowed["anyOf"]![0]!["properties"]!["targets"]!["prefixItems"]![0]!["anyOf"]![0]!["properties"]!;
        Assert.Equal("Iran", (string?)item["target"]!["enum"]![0]);
        Assert.Equal("Sanctions never work.", (string?)item["evidence"]!["enum"]![0]);
    }

    private static Paragraph Paragraph(string text) => new("d", null, "d.txt", 0, "p", "sha", text, null);
}

using System.Text.Json.Nodes;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Tests.Support;

namespace Stance.Tests.Prompts;

public sealed class AnswerValidatorTests
{
    private const string Text =
        "It is “entirely unacceptable” for the U.S. to raise concerns against Azerbaijan, the MP said.";
    private static readonly Paragraph s_paragraph = new("d", null, "d.txt", 0, "p", "sha", Text, null);
    private readonly AnswerValidator _validator = new(TestAnswers.Prompt);

    [Fact]
    public void AValidAnswerIsAcceptedWithTargetsMappedToCanonicalNames()
    {
        var check = _validator.Validate(Answer().ToJsonString(), s_paragraph);

        Assert.Null(check.Reason);
        var answer = check.Answer!;
        Assert.Equal("United States", answer.MainTarget);
        Assert.Equal(["United States", "Azerbaijan"], answer.Targets.Select(t => t.Target));
        Assert.All(answer.Targets, t => Assert.True(t.Watched));
        Assert.Equal("U.S.", answer.Targets[0].Mention);
    }

    [Fact]
    public void ProseAndCodeFencesAroundTheJsonAreCutAway()
    {
        var check = _validator.Validate(
            $"Sure! Here is the JSON:\n```json\n{Answer().ToJsonString()}\n```\nHope it helps.", s_paragraph);

        Assert.NotNull(check.Answer);
    }

    [Fact]
    public void EvidenceThatDiffersOnlyInCaseSpacingOrQuoteStyleIsReplacedByTheParagraphsOwnSpan()
    {
        var answer = Answer();
        answer["targets"]![0]!["evidence"] = "it is  \"ENTIRELY unacceptable\" for the u.s.";

        var check = _validator.Validate(answer.ToJsonString(), s_paragraph);

        Assert.Equal("It is “entirely unacceptable” for the U.S.", check.Answer!.Targets[0].Evidence);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("{\"sentiment_label\":\"negative\"}", "is required")]
    public void MalformedOrIncompleteAnswersAreRejected(string content, string reason)
    {
        Assert.Contains(reason, _validator.Validate(content, s_paragraph).Reason);
    }

    [Theory]
    [InlineData("sentiment_label", "\"angry\"", "must be one of")]
    [InlineData("stance_score", "1.5", "is above 1")]
    [InlineData("confidence", "-0.1", "is below 0")]
    [InlineData("stance_label", "\"favor\"", "disagrees with its score")]
    [InlineData("extra", "1", "$.extra is not allowed")]
    public void SchemaAndLabelRulesAreEnforced(string field, string json, string reason)
    {
        var answer = Answer();
        answer[field] = JsonNode.Parse(json);

        Assert.Contains(reason, _validator.Validate(answer.ToJsonString(), s_paragraph).Reason);
    }

    [Fact]
    public void EvidenceThatIsNotInTheParagraphIsRejected()
    {
        var answer = Answer();
        answer["targets"]![1]!["evidence"] = "Azerbaijan is a threat";

        Assert.Contains(
            "evidence for Azerbaijan is not a quote", _validator.Validate(answer.ToJsonString(), s_paragraph).Reason);
    }

    [Fact]
    public void AWatchedTargetTheParagraphNamesButTheAnswerLeavesOutIsRejected()
    {
        var answer = Answer();
        answer["targets"]!.AsArray().RemoveAt(1);

        Assert.Contains(
            "Azerbaijan is mentioned (\"Azerbaijan\") but not scored",
            _validator.Validate(answer.ToJsonString(), s_paragraph).Reason);
        Assert.NotNull(new AnswerValidator(TestAnswers.Prompt, requireMentionedTargets: false)
            .Validate(answer.ToJsonString(), s_paragraph)
            .Answer);
    }

    [Fact]
    public void AMainTargetThatIsNotScoredIsRejected()
    {
        var answer = Answer();
        answer["main_target"] = "Armenia";

        Assert.Contains(
            "main_target Armenia is not among", _validator.Validate(answer.ToJsonString(), s_paragraph).Reason);
    }

    private static JsonObject Answer() => new()
    {
        ["sentiment_label"] = "negative",
        ["sentiment_score"] = -0.7,
        ["main_target"] = "U.S.",
        ["stance_label"] = "against",
        ["stance_score"] = -0.8,
        ["confidence"] = 0.9,
        ["rationale"] = "Calls U.S. concerns unacceptable.",
        ["targets"] = new JsonArray(
            new JsonObject
            {
                ["target"] = "U.S.", ["mention"] = "U.S.", ["stance_label"] = "against", ["stance_score"] = -0.8,
                ["confidence"] = 0.9, ["evidence"] = "entirely unacceptable",
            },
            new JsonObject
            {
                ["target"] = "Azerbaijan", ["mention"] = "Azerbaijan", ["stance_label"] = "favor",
                ["stance_score"] = 0.5, ["confidence"] = 0.7, ["evidence"] = "raise concerns against Azerbaijan",
            }),
    };
}

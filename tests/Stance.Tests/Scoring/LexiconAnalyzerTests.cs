using Stance.Contract;
using Stance.Prompts;
using Stance.Scoring;
using Stance.Scoring.Lexicon;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring;

public sealed class LexiconAnalyzerTests
{
    private readonly LexiconAnalyzer _analyzer = new(TestAnswers.Prompt.Targets);

    [Fact]
    public void NegativeWordsGiveNegativeSentimentAndStanceTowardTheTargetOfThatSentence()
    {
        var answer = _analyzer.Analyze(
            "The U.S. has consistently taken harmful and hostile steps. Armenia was mentioned too.");

        Assert.Equal("negative", answer.SentimentLabel);
        var us = answer.Targets.Single(t => t.Target == "United States");
        Assert.Equal("against", us.StanceLabel);
        Assert.True(us.StanceScore < -0.25);
        Assert.Equal("The U.S. has consistently taken harmful and hostile steps.", us.Evidence);
        var armenia = answer.Targets.Single(t => t.Target == "Armenia");
        Assert.Equal("neutral", armenia.StanceLabel);
        Assert.Equal(0, armenia.StanceScore);
    }

    [Fact]
    public void NegationTurnsTheValenceOfTheWordsThatFollow()
    {
        var plain = _analyzer.Analyze("Azerbaijan is a reliable and constructive partner.");
        var negated = _analyzer.Analyze("Azerbaijan is not a reliable or constructive partner.");

        Assert.True(plain.Targets[0].StanceScore > 0.25);
        Assert.True(negated.Targets[0].StanceScore < 0);
    }

    [Fact]
    public void IntensifiersStrengthenAWord()
    {
        var plain = _analyzer.Analyze("This is unacceptable for Armenia.");
        var strong = _analyzer.Analyze("This is completely unacceptable for Armenia.");

        Assert.True(strong.SentimentScore < plain.SentimentScore);
    }

    [Fact]
    public void TheAnswerAlwaysPassesTheSameValidatorAsAnLlmAnswer()
    {
        var validator = new AnswerValidator(TestAnswers.Prompt);
        var texts = new[]
        {
            "", "!!! ???", "Congress and the State Department, Blinken and Baku.", "Plain words without targets.",
        };
        foreach (var text in texts)
        {
            var paragraph = new Stance.Paragraphs.Paragraph(
                "d", null, "d", 0, "p", "s", text.Length == 0 ? "." : text, null);
            var check = validator.Validate(StanceAnswerJson.Serialize(_analyzer.Analyze(paragraph.Text)), paragraph);
            Assert.True(check.Answer is not null, check.Reason);
        }
    }

    [Fact]
    public void AFullStopInsideAnInitialismDoesNotEndASentence()
    {
        const string text = "The U.S. Congress voted. Mr. Smith left! Then “quoted.” End";
        var sentences = Stance.Paragraphs.Sentences.Split(text)
            .Select(s => text.Substring(s.Start, s.Length).Trim())
            .ToList();

        Assert.Equal(["The U.S. Congress voted.", "Mr. Smith left!", "Then “quoted.”", "End"], sentences);
    }
}

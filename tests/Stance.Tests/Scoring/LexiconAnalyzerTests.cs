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
            "The U.S. has consistently taken hostile and damaging steps. Armenia was mentioned too.");

        Assert.Equal("negative", answer.SentimentLabel);
        var us = answer.Targets.Single(t => t.Target == "United States");
        Assert.Equal("against", us.StanceLabel);
        Assert.True(us.StanceScore < -0.25);
        Assert.Equal("The U.S. has consistently taken hostile and damaging steps.", us.Evidence);
        Assert.Equal("lexicon baseline: cues -hostile, -damaging", answer.Rationale);
        var armenia = answer.Targets.Single(t => t.Target == "Armenia");
        Assert.Equal("neutral", armenia.StanceLabel);
        Assert.Equal(0, armenia.StanceScore);
    }

    [Fact]
    public void NegationTurnsTheValenceOfTheWordsThatFollow()
    {
        var plain = _analyzer.Analyze("Azerbaijan is a trusted and friendly neighbour.");
        var negated = _analyzer.Analyze("Azerbaijan is not a trusted or friendly neighbour.");
        var contracted = _analyzer.Analyze("Azerbaijan isn’t a trusted or friendly neighbour.");

        Assert.True(plain.Targets[0].StanceScore > 0.25);
        Assert.True(negated.Targets[0].StanceScore < 0);
        Assert.Equal(negated.Targets[0].StanceScore, contracted.Targets[0].StanceScore);
        Assert.Equal("lexicon baseline: cues -not trusted, -not friendly", negated.Rationale);
    }

    [Fact]
    public void NegationReachesFourWordsBackAndNoFurther()
    {
        // The analyzer looks at the four tokens before a word: "not" 4 words before "good" turns it, 5 does not.
        var near = _analyzer.Analyze("This was not at all a good plan.");
        var boundary = _analyzer.Analyze("This was not what anyone called a good plan.");
        var far = _analyzer.Analyze("This was not what anyone had called a good plan.");

        Assert.True(near.SentimentScore < 0);
        Assert.Equal(Squash(1.425 * -0.6), near.SentimentScore);
        Assert.Equal("lexicon baseline: cues -not good", near.Rationale);
        Assert.Equal(Squash(1.425), boundary.SentimentScore);
        Assert.Equal("lexicon baseline: cues +good", boundary.Rationale);
        Assert.True(far.SentimentScore > 0);
    }

    [Fact]
    public void IntensifiersStrengthenAWord()
    {
        var plain = _analyzer.Analyze("This is unacceptable for Armenia.");
        var strong = _analyzer.Analyze("This is completely unacceptable for Armenia.");

        Assert.True(strong.SentimentScore < plain.SentimentScore);
    }

    [Fact]
    public void ABoosterAddsVadersStepToTheWordAndADampenerTakesItAway()
    {
        // good: VADER 1.9, so 1.425 on the analyzer's scale; a booster adds 0.293 * 3/4.
        var plain = _analyzer.Analyze("The result is good.");
        var boosted = _analyzer.Analyze("The result is very good.");
        var damped = _analyzer.Analyze("The result is slightly good.");
        var twoWords = _analyzer.Analyze("The result is kind of good.");

        Assert.Equal(Squash(1.425), plain.SentimentScore);
        Assert.Equal(Squash(1.425 + ValenceLexicon.BoosterStep), boosted.SentimentScore);
        Assert.Equal(Squash(1.425 - ValenceLexicon.BoosterStep), damped.SentimentScore);
        Assert.Equal(damped.SentimentScore, twoWords.SentimentScore); // "kind" (VADER 2.4) is not counted
    }

    [Fact]
    public void AWordTheLexiconDoesNotHoldGivesNoCue()
    {
        var answer = _analyzer.Analyze("Azerbaijan attained it, refrained, and saw through the pretenses.");

        Assert.Equal("lexicon baseline: no valence cues found", answer.Rationale);
        Assert.Equal(0, answer.SentimentScore);
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

    /// <summary>The analyzer's squash of a valence sum into (-1, 1), rounded as in its answers.</summary>
    private static double Squash(double raw) =>
        Math.Round(raw / Math.Sqrt((raw * raw) + 4), 3, MidpointRounding.AwayFromZero);
}

using Stance.Contract;
using Stance.Documents;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Scoring;

namespace Stance.Tests.Scoring;

/// <summary>Evidence, target matching and splitting on texts that are not plain English ASCII (issue 12.3).</summary>
public sealed class NonAsciiTextTests
{
    private static readonly WatchedTargets s_targets = WatchedTargets.Parse(
        """
        {"targets": [
          {"name": "Azerbaijan", "aliases": ["Azərbaycan", "Азербайджан"]},
          {"name": "Shusha", "aliases": ["Şuşa"]},
          {"name": "Russia", "aliases": ["Россия"]},
          {"name": "Armenia", "aliases": ["Հայաստան"]},
          {"name": "Ali", "aliases": ["Ali"]}
        ]}
        """);

    [Fact]
    public void AnNfcQuoteOfAnNfdParagraphIsFoundAndTheStoredEvidenceIsTheParagraphsOwnNfdSpan()
    {
        var text = Nfd("Prezident bəyan etdi ki, Şuşa şəhəri azad olunub və Ağdam bərpa edilir.");
        var quote = "Şuşa şəhəri azad olunub";

        var evidence = AnswerValidator.FindVerbatim(text, quote);

        var expected = Nfd(quote);
        Assert.Equal(expected, evidence);
        Assert.Contains(evidence!, text, StringComparison.Ordinal);
    }

    [Fact]
    public void AnNfdQuoteOfAnNfcParagraphIsFoundAsTheParagraphsOwnNfcSpan()
    {
        const string text = "Sabiq nazir “Gürcüstan ilə əməkdaşlıq” barədə danışdı.";
        var quote = Nfd("\"GÜRCÜSTAN ilə əməkdaşlıq\"");

        Assert.Equal("Gürcüstan ilə əməkdaşlıq", AnswerValidator.FindVerbatim(text, quote));
    }

    [Fact]
    public void SoftHyphensZeroWidthAndNonBreakingSpacesInTheParagraphAreKeptInTheEvidenceButIgnoredInTheMatch()
    {
        const string text = "Министр заявил:\u00A0«переговоры " +
            "за\u00ADшли в ту\u200Bпик», — и\u2009ушёл.";

        var evidence = AnswerValidator.FindVerbatim(text, "«Переговоры зашли в тупик»");

        Assert.Equal("переговоры за\u00ADшли в ту\u200Bпик", evidence);
        Assert.Equal(
            "заявил:\u00A0«переговоры",
            AnswerValidator.FindVerbatim(text, "заявил: \"переговоры"));
        Assert.Equal("— и\u2009ушёл", AnswerValidator.FindVerbatim(text, "- и ушёл"));
    }

    [Fact]
    public void ArmenianQuotesMatchStraightQuotesAndAQuoteThatIsNotThereIsStillRejected()
    {
        const string text = "Վարչապետը ասաց. «Խաղաղությունը հնարավոր է»։";

        Assert.Equal(
            "ասաց. «Խաղաղությունը",
            AnswerValidator.FindVerbatim(text, "ԱՍԱՑ. \"Խաղաղությունը"));
        Assert.Null(AnswerValidator.FindVerbatim(text, "Խաղաղությունը անհնար է"));
        Assert.Null(AnswerValidator.FindVerbatim(text, "\u200B\u00AD"));
    }

    [Fact]
    public void AnAnswerForAnNfdParagraphWithNfcEvidenceIsAcceptedThroughTheValidator()
    {
        var text = Nfd("Şuşa şəhəri bərpa olunur, Azərbaycan bildirir.");
        var paragraph = new Paragraph("d", null, "d.txt", 0, "p", "sha", text, null);
        var answer = new StanceAnswer("neutral", 0, "Azerbaijan", "neutral", 0, 0.5, "Reports.",
        [
            new TargetStance("Azerbaijan", "Azərbaycan", false, "neutral", 0, 0.5, "Şuşa şəhəri bərpa olunur"),
        ]);

        var validator = new AnswerValidator(Support.TestAnswers.Prompt, requireMentionedTargets: false);
        var check = validator.Check(answer, paragraph);

        Assert.Null(check.Reason);
        Assert.Equal(Nfd("Şuşa şəhəri bərpa olunur"), check.Answer!.Targets[0].Evidence);
    }

    [Fact]
    public void AnNfdParagraphMatchesNfcAliasesAndEachMentionIsTheParagraphsOwnSpanAtItsOwnIndex()
    {
        var text = Nfd("Bu gün Şuşa və Azərbaycan bayramı qeyd edir.");

        var mentions = s_targets.FindMentions(text).ToList();

        Assert.Equal(["Shusha", "Azerbaijan"], mentions.Select(m => m.Target));
        Assert.All(mentions, m => Assert.Equal(m.Mention, text.Substring(m.Index, m.Mention.Length)));
        Assert.Equal(Nfd("Şuşa"), mentions[0].Mention);
    }

    [Fact]
    public void CyrillicAndArmenianAliasesMatchWholeWordsOnlyAndNotInsideALongerWord()
    {
        const string text = "Россия и Հայաստան подписали; " +
            "Россиянин и Հայաստանցի — нет. Азербайджан\u00ADский нет.";

        var mentions = s_targets.FindMentions(text).ToList();

        Assert.Equal([("Russia", 0), ("Armenia", 9)], mentions.Select(m => (m.Target, m.Index)));
    }

    [Fact]
    public void AZeroWidthOrSoftHyphenInsideANameStillMatchesTheAlias()
    {
        const string text = "Азер\u00ADбайджан и Рос\u200Bсия.";

        var mentions = s_targets.FindMentions(text).ToList();

        Assert.Equal(["Azerbaijan", "Russia"], mentions.Select(m => m.Target));
        Assert.Equal(["Азер\u00ADбайджан", "Рос\u200Bсия"], mentions.Select(m => m.Mention));
    }

    [Fact]
    public void ACombiningMarkWithNoPrecomposedFormAfterAnAliasMakesItALongerWord()
    {
        Assert.Empty(s_targets.FindMentions("Ali\u0331 spoke."));
        Assert.Single(s_targets.FindMentions("Ali spoke."));
    }

    [Fact]
    public void AModelsNfdOrNonBreakingSpelledNameCanonicalisesToTheWatchedTarget()
    {
        Assert.Equal(("Shusha", true), s_targets.Canonicalize(Nfd("Şuşa")));
        Assert.Equal(("Russia", true), s_targets.Canonicalize("Рос\u00ADсия"));
        Assert.Equal(("Côte d’Ivoire", false), s_targets.Canonicalize(" Côte d’Ivoire "));
    }

    [Fact]
    public void ALineHoldingOnlyNonBreakingOrIdeographicSpacesSeparatesParagraphs()
    {
        var document = new SourceDocument(
            "a.txt",
            "a.txt",
            null,
            "Başlıq\n\nBirinci abzas.\n\u00A0\nİkinci abzas.\n\u3000\u00A0\nÜçüncü abzas.",
            DocumentFormat.PlainText);

        var split = ParagraphSplitter.Split(document);

        Assert.Equal("Başlıq", split.Title);
        Assert.Equal(["Birinci abzas.", "İkinci abzas.", "Üçüncü abzas."], split.Paragraphs.Select(p => p.Text));
    }

    [Fact]
    public void AnNfdDocumentIsSplitWithoutChangingItsTextSoItsHashesStayThoseOfTheSource()
    {
        var body = Nfd(
            "Заголовок\n\nПервый абзац: её позиция.\n\n" +
            "Երկրորդ պարբերություն։");
        var document = new SourceDocument("r.txt", "r.txt", null, body, DocumentFormat.PlainText);

        var split = ParagraphSplitter.Split(document);

        Assert.Equal("Заголовок", split.Title);
        Assert.Equal(
            [Nfd("Первый абзац: её позиция."), "Երկրորդ պարբերություն։"],
            split.Paragraphs.Select(p => p.Text));
        Assert.Equal(ParagraphSplitter.Sha256Hex(split.Paragraphs[0].Text), split.Paragraphs[0].TextSha256);
    }

    [Fact]
    public void TheArmenianFullStopEndsASentence()
    {
        const string text = "Հայաստանը համաձայնեց։ Ադրբեջանը մերժեց։ Վերջ";

        var sentences = Sentences.Split(text).Select(s => text.Substring(s.Start, s.Length).Trim()).ToList();

        Assert.Equal(
            ["Հայաստանը համաձայնեց։", "Ադրբեջանը մերժեց։", "Վերջ"], sentences);
    }

    /// <summary>Canonical decomposition of the letters these tests use, written out (string.Normalize does not
    /// decompose under InvariantGlobalization, and the code under test must not be its own oracle).</summary>
    private static string Nfd(string text)
    {
        var decomposed = text
            .Replace("ş", "s\u0327", StringComparison.Ordinal).Replace("Ş", "S\u0327", StringComparison.Ordinal)
            .Replace("ç", "c\u0327", StringComparison.Ordinal).Replace("ğ", "g\u0306", StringComparison.Ordinal)
            .Replace("ü", "u\u0308", StringComparison.Ordinal).Replace("Ü", "U\u0308", StringComparison.Ordinal)
            .Replace("ö", "o\u0308", StringComparison.Ordinal).Replace("İ", "I\u0307", StringComparison.Ordinal)
            .Replace("й", "и\u0306", StringComparison.Ordinal).Replace("ё", "е\u0308", StringComparison.Ordinal);
        Assert.NotEqual(text, decomposed);
        return decomposed;
    }
}

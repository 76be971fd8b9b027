using System.Text;
using Stance.Documents;
using Stance.Paragraphs;
using Stance.Tests.Support;

namespace Stance.Tests.Paragraphs;

public sealed class ParagraphSplitterTests
{
    [SkippableFact]
    public void TheSeedGivesItsHeadlineAsTitleAndExactlyTenParagraphs()
    {
        Skip.If(RepoPaths.Seed is null, RepoPaths.NoSeed);
        var text = DocumentReader.Decode(File.ReadAllBytes(RepoPaths.Seed!));

        var (title, paragraphs, _) = ParagraphSplitter.Split(
            new SourceDocument("commentary.txt", "commentary.txt", null, text, DocumentFormat.PlainText));

        Assert.StartsWith("It is entirely unacceptable for the U.S.", title);
        Assert.EndsWith("- COMMENTARY", title);
        Assert.Equal(10, paragraphs.Count);
        Assert.Equal(Enumerable.Range(0, 10), paragraphs.Select(p => p.Index));
        Assert.StartsWith("“As we know", paragraphs[0].Text);
        Assert.StartsWith("All these pressure and smear campaigns are futile.", paragraphs[9].Text);
        Assert.All(paragraphs, p => Assert.DoesNotContain('\n', p.Text));
        Assert.Equal(10, paragraphs.Select(p => p.Id).Distinct().Count());
        Assert.Null(paragraphs[0].Previous);
        Assert.Equal(paragraphs[0].Text, paragraphs[1].Previous);
    }

    [Fact]
    public void ParagraphIdsAreStableAcrossRunsAndChangeWithTheText()
    {
        var doc = PlainText("Title\n\nFirst paragraph.\n\nSecond paragraph.");
        var edited = PlainText("Title\n\nFirst paragraph, edited.\n\nSecond paragraph.");

        var once = ParagraphSplitter.Split(doc).Paragraphs;
        var again = ParagraphSplitter.Split(doc).Paragraphs;
        var after = ParagraphSplitter.Split(edited).Paragraphs;

        Assert.Equal(once.Select(p => p.Id), again.Select(p => p.Id));
        Assert.NotEqual(once[0].Id, after[0].Id);
        Assert.Equal(once[1].Id, after[1].Id);
        Assert.Equal(ParagraphSplitter.Sha256Hex("Second paragraph."), once[1].TextSha256);
    }

    [Fact]
    public void ARepeatedParagraphGetsItsOwnId()
    {
        var paragraphs = ParagraphSplitter.Split(PlainText("Title\n\nSame.\n\nOther.\n\nSame.")).Paragraphs;

        Assert.Equal(3, paragraphs.Count);
        Assert.Equal(paragraphs[0].TextSha256, paragraphs[2].TextSha256);
        Assert.NotEqual(paragraphs[0].Id, paragraphs[2].Id);
    }

    [Fact]
    public void LineBreaksInsideAParagraphCollapseAndEmptyBlocksDrop()
    {
        var paragraphs = ParagraphSplitter
            .Split(PlainText("Title\n\n\n\nOne line\n  continues here.\n \n\t\n\nTwo.\n\n\n"))
            .Paragraphs;

        Assert.Equal(["One line continues here.", "Two."], paragraphs.Select(p => p.Text));
    }

    [Fact]
    public void APlainTextWhoseFirstBlockHasSeveralLinesHasNoTitle()
    {
        var (title, paragraphs, _) = ParagraphSplitter.Split(PlainText("Not a title\nbecause it goes on.\n\nSecond."));

        Assert.Null(title);
        Assert.Equal(2, paragraphs.Count);
    }

    [Fact]
    public void MarkdownTakesTheLeadingHeadingAsTitleAndDropsOtherHeadings()
    {
        var doc = new SourceDocument(
            "a.md",
            "a.md",
            null,
            "# The title\n\nIntro text.\n\n## A section\n\nBody **bold**.\n\n### Lone heading\n## Another\n\nEnd.",
            DocumentFormat.Markdown);

        var (title, paragraphs, _) = ParagraphSplitter.Split(doc);

        Assert.Equal("The title", title);
        Assert.Equal(["Intro text.", "Body **bold**.", "End."], paragraphs.Select(p => p.Text));
        Assert.All(paragraphs, p => Assert.Equal("The title", p.DocumentTitle));
    }

    [Fact]
    public void BomAndCrlfAndLoneCrAreNormalised()
    {
        var bytes = Encoding.UTF8.GetPreamble()
            .Concat(Encoding.UTF8.GetBytes("Headline\r\n\r\nLine one\r\nline two.\r\rThird\rline."))
            .ToArray();

        var text = DocumentReader.Decode(bytes);
        var (title, paragraphs, _) = ParagraphSplitter.Split(PlainText(text));

        Assert.Equal("Headline", title);
        Assert.Equal(["Line one line two.", "Third line."], paragraphs.Select(p => p.Text));
    }

    [Fact]
    public void AJsonRecordKeepsItsOwnTitleAndEveryBlockIsAParagraph()
    {
        var doc = new SourceDocument(
            "id-1", "feed.jsonl", "Given title", "Single line first.\n\nSecond.", DocumentFormat.JsonRecord);

        var (title, paragraphs, _) = ParagraphSplitter.Split(doc);

        Assert.Equal("Given title", title);
        Assert.Equal(2, paragraphs.Count);
    }

    private static SourceDocument PlainText(string text) =>
        new("doc.txt", "doc.txt", null, text, DocumentFormat.PlainText);
}

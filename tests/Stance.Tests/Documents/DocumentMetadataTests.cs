using System.Globalization;
using Stance.Documents;
using Stance.Paragraphs;
using Stance.Tests.Support;

namespace Stance.Tests.Documents;

/// <summary>The input's own metadata (source, published_at, other fields) is read, not dropped (issue 12.10).</summary>
public sealed class DocumentMetadataTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void AJsonlLinesSourceAndPublishedAtAreTypedAndItsOtherFieldsBecomeDocumentMetaJson()
    {
        // One record a line: the first record's line is split where one raw literal ends and the next begins.
        _folder.File(
            "feed.jsonl",
            """
            {"id":"a","title":"T","text":"Body.","source":"Report.az","published_at":"2026-11-29T08:30:00+04:00",
            """ + """
            "url":"https://x.az/1","author":"Ə. Məmmədov","tags":["a","b"],"words":120}
            {"id":"b","text":"Body two."}
            """);

        var documents = DocumentReader.Read(_folder.Path).Documents;

        var a = documents[0];
        Assert.Equal(("T", "Report.az"), (a.Title, a.Source));
        Assert.Equal(new DateTime(2026, 11, 29, 4, 30, 0, DateTimeKind.Utc), a.PublishedAt);
        Assert.Equal(DateTimeKind.Utc, a.PublishedAt!.Value.Kind);
        Assert.Equal("""{"url":"https://x.az/1","author":"Ə. Məmmədov","tags":["a","b"],"words":120}""", a.Meta);
        Assert.Equal((null, null, null), (documents[1].Source, documents[1].PublishedAt, documents[1].Meta));
    }

    [Theory]
    [InlineData("2026-11-29", "2026-11-29T00:00:00.0000000Z")]
    [InlineData("2026-11-29T08:30:00+04:00", "2026-11-29T04:30:00.0000000Z")]
    [InlineData("2026-11-29T08:30Z", "2026-11-29T08:30:00.0000000Z")]
    [InlineData("2026-11-29 23:30:00-05:00", "2026-11-30T04:30:00.0000000Z")]
    [InlineData("2026-11-29T08:30:00+0400", "2026-11-29T04:30:00.0000000Z")]
    [InlineData("2026-11-29T08:30:00.1234567z", "2026-11-29T08:30:00.1234560Z")]
    public void PublishedAtAcceptsAnIsoDateOrDateTimeWithOffsetAndIsStoredAsUtcMicroseconds(string value, string utc)
    {
        Assert.True(DocumentMetadata.TryParsePublishedAt(value, out var parsed, out var reason), reason);

        Assert.Equal(DateTime.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), parsed);
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
    }

    [Theory]
    [InlineData("\"29/11/2026\"", "is not an ISO 8601 date")]
    [InlineData("\"2026-11-29T08:30:00\"", "has a time but no UTC offset")]
    [InlineData("\"2026-02-30\"", "is not a calendar date")]
    [InlineData("\"2026-11-29T25:30:00Z\"", "is not a valid date-time")]
    [InlineData("1732870000", "published_at must be a string")]
    public void AnUnparseablePublishedAtMakesItsLineABadDocumentWithTheReasonAndTheOtherLinesAreRead(
        string json, string reason)
    {
        _folder.File("feed.jsonl", $$"""
            {"id":"ok1","text":"Fine."}
            {"id":"bad","text":"Dated badly.","published_at":{{json}}}
            {"id":"ok2","text":"Fine too."}
            """);

        var batch = DocumentReader.Read(_folder.Path);

        Assert.Equal(["ok1", "ok2"], batch.Documents.Select(d => d.Id));
        var problem = Assert.Single(batch.Problems);
        Assert.Equal("feed.jsonl#2", problem.SourcePath);
        Assert.Contains(reason, problem.Reason);
    }

    [Fact]
    public void AFrontMatterBlockAtTheTopOfAMarkdownOrTextFileGivesItsMetadataAndIsNotPartOfTheBody()
    {
        _folder.File(
            "a.md",
            "---\ntitle: \"Başlıq: \\\"iki\\\" nöqtə\"\nsource: 'Report''s desk'\n# a comment\n\n" +
            "published_at: 2026-11-29\nauthor: Ə. Məmmədov\nlanguage: az\n---\n# Heading\n\nBirinci abzas.\n");
        _folder.File("b.txt", "---\r\nsource: Azertac\r\n---\r\nHeadline\r\n\r\nBody.\r\n");

        var batch = ParagraphSource.Read(_folder.Path);

        Assert.Empty(batch.BadDocuments);
        var (a, b) = (batch.Paragraphs[0], batch.Paragraphs[1]);
        Assert.Equal(("Başlıq: \"iki\" nöqtə", "Report's desk"), (a.DocumentTitle, a.Source));
        Assert.Equal(new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc), a.PublishedAt);
        Assert.Equal("""{"author":"Ə. Məmmədov","language":"az"}""", a.DocumentMeta);
        Assert.Equal("Birinci abzas.", a.Text);
        Assert.Equal(("Headline", "Azertac", null, null), (b.DocumentTitle, b.Source, b.PublishedAt, b.DocumentMeta));
        Assert.Equal(["Birinci abzas.", "Body."], batch.Paragraphs.Select(p => p.Text));
    }

    [Fact]
    public void ABrokenFrontMatterIsABadDocumentWithTheReasonAndTheOtherFilesAreRead()
    {
        _folder.File("open.md", "---\ntitle: T\nsource: S\n");
        _folder.File("words.md", "---\nthis line has no key\n---\nBody.\n");
        _folder.File("date.txt", "---\npublished_at: last tuesday\n---\nHeadline\n\nBody.\n");
        _folder.File("quote.txt", "---\ntitle: \"unclosed\n---\nHeadline\n\nBody.\n");
        _folder.File("good.txt", "Headline\n\nBody.\n");

        var batch = DocumentReader.Read(_folder.Path);

        Assert.Equal(["good.txt"], batch.Documents.Select(d => d.Id));
        var reasons = batch.Problems.ToDictionary(p => p.SourcePath, p => p.Reason);
        Assert.Contains("no closing '---' line", reasons["open.md"]);
        Assert.Contains("front matter line 2 is not 'key: value'", reasons["words.md"]);
        Assert.Contains("published_at 'last tuesday' is not an ISO 8601 date", reasons["date.txt"]);
        Assert.Contains("front matter line 2 has an unclosed quote", reasons["quote.txt"]);
    }
}

using System.Text;
using Stance.Documents;
using Stance.Tests.Support;

namespace Stance.Tests.Documents;

public sealed class DocumentReaderTests
{
    [Fact]
    public void ItReadsTxtMdAndJsonlRecursivelyInPathOrderAndReportsOtherFiles()
    {
        using var folder = new TempFolder();
        folder.File("b.txt", "Title\n\nBody.");
        folder.File("sub/a.md", "# T\n\nBody.");
        folder.File("feed.jsonl", "{\"id\":\"x1\",\"title\":\"T\",\"text\":\"Body.\"}\n{\"text\":\"No id.\"}\n");
        folder.File("notes.csv", "a,b");
        folder.File("page.html", "<p>Hi</p>");
        folder.File(".hidden/skip.txt", "Title\n\nBody.");

        var batch = DocumentReader.Read(folder.Path);

        Assert.Equal(["notes.csv", "page.html"], batch.Problems.Select(p => p.SourcePath));
        Assert.All(batch.Problems, p => Assert.Contains("unsupported file type", p.Reason));
        Assert.Equal(["b.txt", "x1", "feed.jsonl#2", "sub/a.md"], batch.Documents.Select(d => d.Id));
        Assert.Equal(DocumentFormat.Markdown, batch.Documents[3].Format);
        Assert.Equal("feed.jsonl", batch.Documents[1].SourcePath);
        Assert.Equal("T", batch.Documents[1].Title);
    }

    [Fact]
    public void BadFilesAndLinesAreReportedWithTheirReasonAndTheRestIsRead()
    {
        using var folder = new TempFolder();
        folder.File("good.txt", "Title\n\nBody.");
        folder.File("empty.txt", "  \n");
        File.WriteAllBytes(folder.File("binary.txt"), [0x50, 0x00, 0x01, 0x02]);
        File.WriteAllBytes(folder.File("latin1.txt"), Encoding.Latin1.GetBytes("Caf\u00e9 cr\u00e8me"));
        folder.File(
            "feed.jsonl",
            "not json\n" +
            "{\"title\":\"no text\"}\n" +
            "[1,2]\n" +
            "{\"id\":\"good.txt\",\"text\":\"dup id\"}\n" +
            "{\"id\":\"ok\",\"text\":\"fine\"}\n");

        var batch = DocumentReader.Read(folder.Path);

        // feed.jsonl is read before good.txt, so its record keeps the id and the file is the duplicate.
        Assert.Equal(["good.txt", "ok"], batch.Documents.Select(d => d.Id));
        Assert.Equal("feed.jsonl", batch.Documents[0].SourcePath);
        var reasons = batch.Problems.ToDictionary(p => p.SourcePath, p => p.Reason);
        Assert.Contains("NUL", reasons["binary.txt"]);
        Assert.Contains("empty", reasons["empty.txt"]);
        Assert.Contains("UTF-8", reasons["latin1.txt"]);
        Assert.Contains("not JSON", reasons["feed.jsonl#1"]);
        Assert.Contains("\"text\"", reasons["feed.jsonl#2"]);
        Assert.Contains("not a JSON object", reasons["feed.jsonl#3"]);
        Assert.Contains("duplicate document id 'good.txt'", reasons["good.txt"]);
    }
}

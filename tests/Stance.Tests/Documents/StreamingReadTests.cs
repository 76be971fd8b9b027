using System.Text;
using Stance.Documents;
using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.Documents;

/// <summary>A JSONL feed is streamed a line at a time, and one document is bounded in size (issue 12.5).</summary>
public sealed class StreamingReadTests
{
    [Fact]
    public void AJsonlFeedYieldsItsFirstDocumentAfterReadingOneBufferNotTheWholeFile()
    {
        var feed = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            feed.Append($$"""{"id":"n{{i}}","text":"Paragraph {{i}} of a long feed about the region."}""");
            feed.Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(feed.ToString());
        using var stream = new CountingStream(new MemoryStream(bytes));

        using var items = DocumentReader.ReadJsonLines(stream, "feed.jsonl", ReadOptions.DefaultMaxDocumentBytes)
            .GetEnumerator();
        Assert.True(items.MoveNext());

        Assert.Equal("n0", items.Current.Document!.Id);
        Assert.True(bytes.Length > 1_000_000);
        Assert.InRange(stream.BytesRead, 1, 64 * 1024);
        var ids = new List<string> { items.Current.Document!.Id };
        while (items.MoveNext())
        {
            ids.Add(items.Current.Document!.Id);
        }

        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => $"n{i}"), ids);
        Assert.Equal(bytes.Length, stream.BytesRead);
    }

    [Fact]
    public void LineNumbersIdsAndBadLinesAreThoseOfTheWholeFileReadWithBomCrlfLoneCrAndBlankLines()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("feed.jsonl"), [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(
            "{\"text\":\"One.\"}\r\n\r\nnot json\r{\"text\":\"Four.\"}\n  \n" +
            "{\"id\":\"six\",\"text\":\"Six.\\r\\nMore.\"}")]);

        var batch = DocumentReader.Read(folder.Path);

        Assert.Equal(["feed.jsonl#1", "feed.jsonl#4", "six"], batch.Documents.Select(d => d.Id));
        Assert.Equal("Six.\nMore.", batch.Documents[2].Text);
        Assert.Equal("feed.jsonl#3", Assert.Single(batch.Problems).SourcePath);
    }

    [Fact]
    public void AJsonlLineLongerThanTheLimitIsABadDocumentAndTheNextLineIsStillRead()
    {
        var feed = "{\"text\":\"Short.\"}\n{\"text\":\"" + new string('x', 5000) + "\"}\n{\"text\":\"After.\"}\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(feed));

        var items = DocumentReader.ReadJsonLines(stream, "f.jsonl", 1000).ToList();

        Assert.Equal(["f.jsonl#1", "f.jsonl#3"], items.Where(i => i.Document is not null).Select(i => i.Document!.Id));
        var problem = Assert.Single(items, i => i.Problem is not null).Problem!;
        Assert.Equal("f.jsonl#2", problem.SourcePath);
        Assert.Contains("above the 1,000 bytes limit for one document (Stance:MaxDocumentBytes)", problem.Reason);
    }

    [Fact]
    public void ATextFileAboveTheLimitIsReportedWithItsSizeAndSkippedAndTheRestIsRead()
    {
        using var folder = new TempFolder();
        folder.File("big.md", "# Title\n\n" + new string('y', 3 * 1024 * 1024));
        folder.File("small.txt", "Title\n\nBody.");

        var batch = DocumentReader.Read(folder.Path, new ReadOptions(MaxDocumentBytes: 2 * 1024 * 1024));

        Assert.Equal(["small.txt"], batch.Documents.Select(d => d.Id));
        var problem = Assert.Single(batch.Problems);
        Assert.Equal("big.md", problem.SourcePath);
        Assert.Equal(
            "the file is 3.0 MiB, above the 2.0 MiB limit for one document (Stance:MaxDocumentBytes); skipped",
            problem.Reason);
    }

    [Fact]
    public async Task TheDocumentSizeLimitIsSetByStanceMaxDocumentBytesAndAnOversizedFileIsABadDocumentOfTheRun()
    {
        using var folder = new TempFolder();
        folder.File("in/big.txt", "Title\n\n" + new string('z', 4000));
        folder.File("in/small.txt", "Title\n\nThe U.S. spoke.");
        var output = Path.Combine(folder.Path, "out");

        var run = await StanceRunner.RunAsync(["--input", Path.Combine(folder.Path, "in"), "--output", output,
            "--prompts", RepoPaths.Prompts, "--Stance:MaxDocumentBytes=2000"]);

        Assert.Equal(ExitCodes.CompletedWithFailures, run.ExitCode);
        var manifest = RunManifest.Read(Assert.Single(
            Directory.GetFiles(Path.Combine(output, "runs"), "*.json", SearchOption.AllDirectories)));
        var bad = Assert.Single(manifest.BadDocuments);
        Assert.Equal("big.txt", bad.Path);
        Assert.Contains("above the 2,000 bytes limit", bad.Reason);
        Assert.Equal((2, 1), (manifest.Counts.Documents, manifest.Counts.Paragraphs));
    }

    [Fact]
    public void ALineThatIsNotUtf8IsABadDocumentAndTheLinesAroundItAreRead()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("feed.jsonl"), [
            .. Encoding.UTF8.GetBytes("{\"id\":\"a\",\"text\":\"Before.\"}\n"),
            .. Encoding.Latin1.GetBytes("{\"id\":\"b\",\"text\":\"Caf\u00e9.\"}\n"),
            .. Encoding.UTF8.GetBytes("{\"id\":\"c\",\"text\":\"After.\"}\n"),
        ]);

        var batch = DocumentReader.Read(folder.Path);

        Assert.Equal(["a", "c"], batch.Documents.Select(d => d.Id));
        Assert.Equal(("feed.jsonl#2", "not valid UTF-8"), (batch.Problems[0].SourcePath, batch.Problems[0].Reason));
    }

    [Fact]
    public void ABinaryJsonlFileIsOneBadDocumentNotOnePerLine()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("blob.jsonl"), [0x50, 0x00, 0x0A, 0x01, 0x0A, 0x02, 0x00, 0x0A]);

        var batch = DocumentReader.Read(folder.Path);

        Assert.Empty(batch.Documents);
        var problem = Assert.Single(batch.Problems);
        Assert.Equal(("blob.jsonl", "binary file (contains NUL bytes)"), (problem.SourcePath, problem.Reason));
    }

    [Fact]
    public void DuplicateIdsAreFoundAmongManyIdsWithoutHoldingTheIds()
    {
        var seen = new IdFingerprints();

        var firsts = Enumerable.Range(0, 100_000).Count(i => seen.Add($"doc-{i}"));
        var again = Enumerable.Range(0, 100_000).Count(i => seen.Add($"doc-{i}"));

        Assert.Equal((100_000, 0), (firsts, again));
        Assert.True(seen.Add("doc-100000"));
    }

    /// <summary>Counts the bytes its reader has taken from the inner stream.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

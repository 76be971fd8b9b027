using System.Text;
using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>Every kind of bad input is reported in the log and the manifest with its file and reason, and the run goes
/// on.</summary>
public sealed class BadInputTests : JobTestBase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Directory.CreateDirectory(Input);
        File.WriteAllText(Path.Combine(Input, "good.txt"), "Headline\n\nThe U.S. was wrong.\n\nArmenia agreed.");
        File.WriteAllText(Path.Combine(Input, "empty.txt"), string.Empty);
        File.WriteAllBytes(Path.Combine(Input, "binary.txt"), [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x1A]);
        File.WriteAllBytes(
            Path.Combine(Input, "latin1.txt"), Encoding.Latin1.GetBytes("Headline\n\nCaf\u00e9 in Baku."));
        File.WriteAllText(
            Path.Combine(Input, "huge.txt"),
            "Headline\n\n" + string.Concat(Enumerable.Repeat("The U.S. said so. ", 5 * 1024 * 1024 / 18)));
        File.WriteAllText(
            Path.Combine(Input, "punctuation.txt"), "Headline\n\n* * *\n\nAzerbaijan spoke.\n\n!!! ... ???");
        File.WriteAllBytes(
            Path.Combine(Input, "bom-crlf.txt"),
            [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("Headline\r\n\r\nThe U.S.\r\nspoke.\r\n")]);
        File.WriteAllText(
            Path.Combine(Input, "long-lines.txt"),
            "Headline\n\n" + string.Join(' ', Enumerable.Repeat("Armenia said no.", 4000)));
        File.WriteAllText(Path.Combine(Input, "page.html"), "<html><body><p>The U.S.</p></body></html>");
        File.WriteAllText(Path.Combine(Input, "only-title.txt"), "Just a headline\n\n---");
        File.WriteAllText(Path.Combine(Input, "feed.jsonl"),
            "{\"id\":\"a\",\"text\":\"The U.S. spoke.\"}\n" +
            "this is not json\n" +
            "{\"id\":\"b\",\"title\":\"no text\"}\n" +
            "{\"id\":\"a\",\"text\":\"Duplicate id.\"}\n");
    }

    [Fact]
    public async Task EachBadInputIsReportedWithItsFileAndReasonAndTheRestIsScored()
    {
        var run = await StanceRunner.RunAsync(
        [
            "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts,
            "--provider", "openai", "--endpoint", Server.Endpoint,
            "--Stance:Llm:ApiKey=k", "--Stance:Llm:MaxParagraphChars=100000",
        ]);

        Assert.Equal(ExitCodes.CompletedWithFailures, run.ExitCode);
        var manifest = RunManifest.Read(Assert.Single(
            Directory.GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)));
        var bad = manifest.BadDocuments.ToDictionary(p => p.Path, p => p.Reason);
        Assert.Contains("empty", bad["empty.txt"]);
        Assert.Contains("NUL", bad["binary.txt"]);
        Assert.Contains("not valid UTF-8", bad["latin1.txt"]);
        Assert.Contains("unsupported file type '.html'", bad["page.html"]);
        Assert.Contains("no paragraphs", bad["only-title.txt"]);
        Assert.Contains("not JSON", bad["feed.jsonl#2"]);
        Assert.Contains("\"text\"", bad["feed.jsonl#3"]);
        Assert.Contains("duplicate document id 'a'", bad["feed.jsonl"]);
        Assert.Equal(2, manifest.SkippedBlocks.Count(p => p.Path == "punctuation.txt"));
        Assert.Single(manifest.SkippedBlocks, p => p.Path == "only-title.txt");
        foreach (var (path, reason) in bad)
        {
            Assert.Contains($"{path}: {reason}", run.LogText);
        }

        var rows = DuckDb.Query(
            "SELECT document_id, paragraph_index, status, error_kind, length(text) AS chars " +
            $"FROM {DuckDb.Table(Output, "paragraphs")} ORDER BY ALL");
        var huge = Assert.Single(rows, r => (string)r["document_id"]! == "huge.txt");
        Assert.Equal("failed", huge["status"]);
        Assert.Equal("too_long", huge["error_kind"]);
        Assert.True((long)huge["chars"]! > 5_000_000);
        Assert.All(rows.Where(r => (string)r["document_id"]! != "huge.txt"), r => Assert.Equal("ok", r["status"]));
        Assert.Equal(
            ["a", "bom-crlf.txt", "good.txt", "good.txt", "huge.txt", "long-lines.txt", "punctuation.txt"],
            rows.Select(r => (string)r["document_id"]!));
        // "The U.S. spoke." is both feed record "a" and bom-crlf.txt, under different titles: two requests. Only the
        // 5 MB paragraph is not sent.
        Assert.Equal(rows.Count - 1, Server.Requests.Count);
        Assert.Equal(1, manifest.FailuresByKind["too_long"]);
    }

    [Fact]
    public async Task TheLexiconDefaultGoesThroughTheSameBadInputs()
    {
        var run = await StanceRunner.RunAsync(["--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts]);

        Assert.Equal(ExitCodes.CompletedWithFailures, run.ExitCode);
        var statuses = DuckDb.Query(
            $"SELECT status, count(*) AS n FROM {DuckDb.Table(Output, "paragraphs")} GROUP BY ALL");
        Assert.Equal("ok", (string)Assert.Single(statuses)["status"]!);
        Assert.Equal(7L, statuses[0]["n"]);
    }
}

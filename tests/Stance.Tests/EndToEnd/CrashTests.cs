using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>The job as a child process, killed with SIGKILL while it writes part files, in the middle of a commit and
/// just before its manifest, then run again: every visible file is whole, no reader ever sees a paragraph twice, and
/// the rerun leaves each paragraph exactly once.</summary>
public sealed class CrashTests : IAsyncLifetime
{
    private const int Paragraphs = 240;
    private const int Concurrency = 4;
    private const int RowsPerPart = 20;

    private readonly ConcurrentDictionary<string, int> _delivered = new(StringComparer.Ordinal);
    private OpenAiTestServer _server = null!;
    private TempFolder _folder = null!;

    private string Input => Path.Combine(_folder.Path, "in");

    private string Output => Path.Combine(_folder.Path, "out");

    public async Task InitializeAsync()
    {
        _server = await OpenAiTestServer.StartAsync();
        _folder = new TempFolder();
        Corpus.Write(Input, Paragraphs, perDocument: 12);
        _server.Responder = request =>
        {
            var paragraph = request.Paragraph;
            return Reply.Answer(request.DefaultAnswer()) with
            {
                Delay = TimeSpan.FromMilliseconds(25),
                OnDelivered = () => _delivered.AddOrUpdate(paragraph, 1, (_, n) => n + 1),
            };
        };
    }

    [Fact]
    public async Task AKillWhilePartFilesAreWrittenIsResumedAndTheOutputHoldsEachParagraphOnce()
    {
        using (var first = StartJob())
        {
            var drained = first.StandardOutput.ReadToEndAsync(); // keep the pipe from filling up
            await Eventually.WaitUntil(() => HiddenParts().Length >= 2 || first.HasExited, TimeSpan.FromMinutes(1));
            Assert.False(first.HasExited, "the first run ended before it could be killed");
            first.Kill(entireProcessTree: true); // SIGKILL
            await first.WaitForExitAsync();
            await drained;
        }

        // Part files were being written at the kill, and none of them is visible: they are hidden until the commit.
        Assert.NotEmpty(HiddenParts());
        Assert.Empty(VisibleParts());
        var answeredBeforeKill = _delivered.Count;
        Assert.InRange(answeredBeforeKill, RowsPerPart, Paragraphs - 1);

        var (exitCode, log) = await RunJobAsync();

        Assert.True(exitCode == ExitCodes.Ok, log);
        Assert.Contains("Resuming unfinished run", log, StringComparison.Ordinal);
        Assert.Empty(HiddenParts());
        AssertEachParagraphOnce(Paragraphs);
        Assert.Equal(Paragraphs, _delivered.Count);
        var paidTwice = _delivered.Count(p => p.Value > 1);
        Assert.True(
            paidTwice <= Concurrency,
            $"{paidTwice} paragraphs were answered twice; at most {Concurrency} were in flight at the kill");
        var manifest = RunManifest.Read(Assert.Single(
            Directory.GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)));
        Assert.Equal(Paragraphs, manifest.Counts.Ok);
        Assert.Equal(
            manifest.Files.Order(StringComparer.Ordinal),
            VisibleParts().Select(p => Path.GetRelativePath(Output, p).Replace('\\', '/')));
    }

    [Theory]
    [InlineData("first delete")]
    [InlineData("last delete")]
    [InlineData("second rename")]
    public async Task AKillInTheMiddleOfACommitIsRolledForwardAndNoReaderSeesAParagraphTwice(string moment)
    {
        // Night one commits its parts; night two (a snapshot of the same date, answers from the cache) is killed in its
        // commit.
        var (first, firstLog) = await RunJobAsync();
        Assert.True(first == ExitCodes.Ok, firstLog);
        var deletes = VisibleParts().Length;
        Assert.True(
            deletes >= 2 * (Paragraphs / RowsPerPart), $"{deletes} parts: too few to kill a commit in its middle");
        var step = moment switch
        {
            "first delete" => 1,
            "last delete" => deletes,
            _ => deletes + 2,
        };

        await HoldAndKillAsync($"commit-step:{step}", "--Stance:Output:Replace=date");

        // At the kill: the commit record is there, what is visible is whole and holds no paragraph twice.
        Assert.True(File.Exists(Path.Combine(Output, ".stance", "commit.json")), "the kill did not land in a commit");
        var visible = VisibleParts();
        Assert.Equal(step <= deletes ? deletes - step : step - deletes, visible.Length);
        foreach (var file in visible)
        {
            var rows = (long)DuckDb.Query($"SELECT count(*) AS n FROM read_parquet('{file}')")[0]["n"]!;
            Assert.InRange(rows, 1, RowsPerPart);
        }

        if (visible.Any(f => f.Contains("paragraphs", StringComparison.Ordinal)))
        {
            var counts = DuckDb.Query(
                $"SELECT count(*) AS n, count(DISTINCT paragraph_id) AS ids FROM {DuckDb.Table(Output, "paragraphs")}");
            Assert.Equal(counts[0]["n"], counts[0]["ids"]);
        }

        var (exitCode, log) = await RunJobAsync("--Stance:Output:Replace=date");

        Assert.True(exitCode == ExitCodes.Ok, log);
        Assert.Contains("Finishing a commit interrupted by a crash", log, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Output, ".stance", "commit.json")));
        Assert.Empty(HiddenParts());
        AssertEachParagraphOnce(Paragraphs);
        Assert.Equal(Paragraphs, _delivered.Count);
        Assert.All(_delivered, d => Assert.Equal(1, d.Value));
    }

    [Fact]
    public async Task TheManifestIsWrittenOnlyAfterEveryPartIsCommitted()
    {
        // Stopped just before its manifest: the parts are all in place, the commit is done, and there is no manifest
        // yet.
        await HoldAndKillAsync("before-manifest");

        Assert.False(
            Directory.Exists(Path.Combine(Output, "runs")) &&
                Directory.GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories).Length > 0,
            "a manifest came before the parts");
        Assert.False(File.Exists(Path.Combine(Output, ".stance", "commit.json")));
        Assert.Empty(HiddenParts());
        AssertEachParagraphOnce(Paragraphs);

        // The run did not finish (no manifest), so the next one resumes it and writes everything again, manifest last.
        var (exitCode, log) = await RunJobAsync();
        Assert.True(exitCode == ExitCodes.Ok, log);
        Assert.Contains("Resuming unfinished run", log, StringComparison.Ordinal);
        var manifest = RunManifest.Read(Assert.Single(
            Directory.GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)));
        Assert.Equal(
            manifest.Files.Order(StringComparer.Ordinal),
            VisibleParts().Select(p => Path.GetRelativePath(Output, p).Replace('\\', '/')));
        AssertEachParagraphOnce(Paragraphs);
        Assert.All(_delivered, d => Assert.Equal(1, d.Value));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    private Task HoldAndKillAsync(string point, params string[] extra) =>
        StanceProcess.KillWhenHeldAsync(Args(extra), Environment(point), Path.Combine(Output, ".stance", "held"));

    private void AssertEachParagraphOnce(int expected)
    {
        var rows = DuckDb.Query(
            $"SELECT count(*) AS n, count(DISTINCT paragraph_id) AS ids, count(*) FILTER (WHERE status = 'ok') AS ok " +
            $"FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.Equal(
            ((long)expected, (long)expected, (long)expected),
            ((long)rows[0]["n"]!, (long)rows[0]["ids"]!, (long)rows[0]["ok"]!));
    }

    private string[] VisibleParts() => Directory.Exists(Output)
        ? [.. Directory.GetFiles(Output, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal)]
        : [];

    private string[] HiddenParts() => Directory.Exists(Output)
        ? Directory.GetFiles(Output, ".part-*.tmp", SearchOption.AllDirectories)
        : [];

    private string[] Args(params string[] extra) =>
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
        "--endpoint", _server.Endpoint, "--model", "crash-model",
        "--concurrency", Concurrency.ToString(CultureInfo.InvariantCulture),
        "--Stance:RowsPerPart=" + RowsPerPart.ToString(CultureInfo.InvariantCulture), .. extra,
    ];

    private Task<(int ExitCode, string Output)> RunJobAsync(params string[] extra) =>
        StanceProcess.RunAsync(
            Args(extra), TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["OPENAI_API_KEY"] = "test-key" });

    private Process StartJob(string? hold = null, params string[] extra) =>
        StanceProcess.Start(Args(extra), Environment(hold));

    private static Dictionary<string, string> Environment(string? hold)
    {
        var environment = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "test-key" };
        if (hold is not null)
        {
            environment["STANCE_TEST_HOLD"] = hold;
        }

        return environment;
    }
}

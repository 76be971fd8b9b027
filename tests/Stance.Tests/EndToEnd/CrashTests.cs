using System.Collections.Concurrent;
using System.Diagnostics;
using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>The job as a child process, killed with SIGKILL mid-run and run again.</summary>
public sealed class CrashTests
{
    private const int Paragraphs = 240;
    private const int Concurrency = 4;

    [Fact]
    public async Task AfterAKillMinus9TheRerunResumesAndTheOutputHoldsEachParagraphOnce()
    {
        await using var server = await OpenAiTestServer.StartAsync();
        using var folder = new TempFolder();
        var input = Path.Combine(folder.Path, "in");
        var output = Path.Combine(folder.Path, "out");
        Corpus.Write(input, Paragraphs, perDocument: 12);
        var delivered = new ConcurrentDictionary<string, int>();
        server.Responder = request =>
        {
            var paragraph = request.Paragraph;
            return Reply.Answer(request.DefaultAnswer()) with
            {
                Delay = TimeSpan.FromMilliseconds(25),
                OnDelivered = () => delivered.AddOrUpdate(paragraph, 1, (_, n) => n + 1),
            };
        };
        string[] args =
        [
            "--input", input, "--output", output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
            "--endpoint", server.Endpoint, "--model", "crash-model", "--concurrency", Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];

        using (var first = StartJob(args))
        {
            var drained = first.StandardOutput.ReadToEndAsync(); // keep the pipe from filling up
            for (var i = 0; i < 400 && delivered.Count < Paragraphs / 3; i++)
            {
                await Task.Delay(25);
            }

            Assert.False(first.HasExited, "the first run ended before it could be killed");
            first.Kill(entireProcessTree: true); // SIGKILL
            await first.WaitForExitAsync();
            await drained;
        }

        var answeredBeforeKill = delivered.Count;
        Assert.InRange(answeredBeforeKill, Paragraphs / 3, Paragraphs - 1);
        AssertEveryParquetFileReadable(output);

        using var second = StartJob(args);
        var log = await second.StandardOutput.ReadToEndAsync();
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(second.ExitCode == ExitCodes.Ok, log);
        Assert.Contains("Resuming unfinished run", log);
        AssertEveryParquetFileReadable(output);
        var rows = DuckDb.Query($"SELECT paragraph_id, status, run_id FROM {DuckDb.Table(output, "paragraphs")}");
        Assert.Equal(Paragraphs, rows.Count);
        Assert.Equal(Paragraphs, rows.Select(r => r["paragraph_id"]).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r["status"]));
        Assert.Equal(Paragraphs, delivered.Count);
        var paidTwice = delivered.Count(p => p.Value > 1);
        Assert.True(paidTwice <= Concurrency, $"{paidTwice} paragraphs were answered twice; at most {Concurrency} were in flight at the kill");
        var manifest = RunManifest.Read(Assert.Single(Directory.GetFiles(Path.Combine(output, "runs"), "*.json", SearchOption.AllDirectories)));
        Assert.Equal((string)rows[0]["run_id"]!, manifest.RunId);
        Assert.Equal(Paragraphs, manifest.Counts.Ok);
    }

    private static Process StartJob(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = false, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(RepoPaths.JobAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["OPENAI_API_KEY"] = "test-key";
        return Process.Start(start)!;
    }

    private static void AssertEveryParquetFileReadable(string output)
    {
        if (!Directory.Exists(output))
        {
            return;
        }

        foreach (var file in Directory.GetFiles(output, "*.parquet", SearchOption.AllDirectories))
        {
            Assert.NotNull(DuckDb.Query($"SELECT count(*) AS n FROM read_parquet('{file}')")[0]["n"]);
        }
    }
}

using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>Two runs on one output folder and journal: the second stops before any call; a killed run's claim is
/// taken over.</summary>
public sealed class OverlappingRunTests : JobTestBase
{
    private const int Paragraphs = 60;

    [Fact]
    public async Task ASecondRunWhileTheFirstIsRunningStopsAtOnceWithoutACall()
    {
        Corpus.Write(Input, Paragraphs, perDocument: 6);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Responder = request => Reply.Answer(request.DefaultAnswer()) with { Hold = gate.Task };
        using var first = StanceProcess.Start(Args());
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        await Eventually.WaitUntil(() => !Server.Requests.IsEmpty || first.HasExited, TimeSpan.FromSeconds(20));
        if (Server.Requests.IsEmpty)
        {
            first.Kill(entireProcessTree: true);
            Assert.Fail("no request from the first run: " + await firstOutput);
        }
        var whileHeld = Server.Requests.Count;

        var (exitCode, log) = await StanceProcess.RunAsync(Args(), TimeSpan.FromMinutes(1));

        Assert.True(exitCode == ExitCodes.OutputLocked, $"exit code {exitCode}\n{log}");
        Assert.Contains($"pid {first.Id}", log, StringComparison.Ordinal);
        Assert.Contains("made no call", log, StringComparison.Ordinal);
        Assert.Equal(whileHeld, Server.Requests.Count);

        gate.SetResult();
        await first.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(first.ExitCode == ExitCodes.Ok, await firstOutput);
        Assert.Equal(Paragraphs, Server.Requests.Count);
        var rows = DuckDb.Query(
            $"SELECT count(*) AS n, count(DISTINCT paragraph_id) AS ids FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.Equal(((long)Paragraphs, (long)Paragraphs), ((long)rows[0]["n"]!, (long)rows[0]["ids"]!));
    }

    [Fact]
    public async Task TheClaimOfAKilledRunIsTakenOverAndTheRunResumes()
    {
        Corpus.Write(Input, Paragraphs, perDocument: 6);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Responder = request => Reply.Answer(request.DefaultAnswer()) with { Hold = gate.Task };
        using (var killed = StanceProcess.Start(Args()))
        {
            var drained = killed.StandardOutput.ReadToEndAsync();
            await Eventually.WaitUntil(() => !Server.Requests.IsEmpty, TimeSpan.FromSeconds(20));
            killed.Kill(entireProcessTree: true); // SIGKILL: the claim's holder is gone without releasing anything
            await killed.WaitForExitAsync();
            await drained;
        }

        gate.SetResult();
        var (exitCode, log) = await StanceProcess.RunAsync(Args(), TimeSpan.FromMinutes(1));

        Assert.True(exitCode == ExitCodes.Ok, log);
        Assert.Contains("Resuming unfinished run", log, StringComparison.Ordinal);
        var rows = DuckDb.Query($"SELECT count(*) AS n FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.Equal((long)Paragraphs, rows[0]["n"]);
    }

    private string[] Args() =>
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts,
        "--provider", "openai", "--endpoint", Server.Endpoint,
        "--model", "overlap-model", "--Stance:Llm:ApiKey=k", "--concurrency", "4",
    ];
}

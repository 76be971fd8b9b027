using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Batch;

/// <summary>The job as a child process with <c>--batch</c>, killed (SIGKILL) right after an upload, right after a
/// batch was created (both before the journal knew) and in the middle of a download, then run again: the rerun
/// attaches to what the first run made, never creates a second batch, and every paragraph is a row once.</summary>
public sealed class BatchCrashTests : BatchJobTestBase
{
    [Theory]
    [InlineData("batch-uploaded")]
    [InlineData("batch-created")]
    [InlineData("batch-downloading")]
    public async Task AKillAtAnyStepIsFollowedByARunThatSubmitsNothingTwice(string step)
    {
        using (var first = StanceProcess.Start(Args(), Environment(step)))
        {
            var drained = first.StandardOutput.ReadToEndAsync(); // keep the pipe from filling up
            var reached = false;
            try
            {
                await Eventually.WaitUntil(() => File.Exists(Held) || first.HasExited, TimeSpan.FromMinutes(1));
                reached = !first.HasExited;
            }
            finally
            {
                first.Kill(entireProcessTree: true); // SIGKILL, also when the wait failed: no child outlives its test
                await first.WaitForExitAsync();
            }

            var printed = await drained;
            Assert.True(reached, $"the first run did not hold at {step}:\n{printed}");
        }

        Assert.Equal(1, Server.Batch.Count(TestBatchCallKind.Upload));
        var createdBeforeKill = Server.Batch.Batches.Count;
        Assert.Equal(step == "batch-uploaded" ? 0 : 1, createdBeforeKill);
        File.Delete(Held);

        var (exitCode, log) = await StanceProcess.RunAsync(Args(), TimeSpan.FromMinutes(2), Environment(null));

        Assert.True(exitCode == ExitCodes.Ok, log);
        Assert.Equal(1, Server.Batch.Count(TestBatchCallKind.Upload)); // the rerun found the uploaded file
        var batch = Assert.Single(Server.Batch.Batches); // and the batch, when there was one
        Assert.Equal(SampleParagraphs, batch.Requests.Count);
        Assert.Empty(Server.Requests);
        var rows = DuckDb.Query(
            "SELECT paragraph_id, mode, batch_id, status " +
            $"FROM read_parquet('{Output}/paragraphs/**/*.parquet', hive_partitioning = true)");
        Assert.Equal(SampleParagraphs, rows.Count);
        Assert.Equal(SampleParagraphs, rows.Select(r => (string)r["paragraph_id"]!).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(("batch", batch.Id, "ok"), ((string)r["mode"]!, (string?)r["batch_id"],
            (string)r["status"]!)));
    }

    private string Held => Path.Combine(Output, ".stance", "held");

    private static Dictionary<string, string> Environment(string? hold)
    {
        var environment = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "test-key" };
        if (hold is not null)
        {
            environment["STANCE_TEST_HOLD"] = hold;
        }

        return environment;
    }

    private string[] Args() => BatchArgs(Output, pollInterval: "00:00:00.010");
}

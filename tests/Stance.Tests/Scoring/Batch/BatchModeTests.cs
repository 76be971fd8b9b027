using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Batch;

/// <summary><c>--batch</c> end to end against the test server's Files and Batches API: the same requests as a
/// synchronous run, every paragraph exactly once, nothing paid twice, whatever the batches and the control plane
/// do.</summary>
public sealed class BatchModeTests : BatchJobTestBase
{
    [Fact]
    public async Task EveryParagraphIsAnsweredByTheBatchAndARerunPaysForNothing()
    {
        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.Empty(Server.Requests); // no synchronous call
        var batch = Assert.Single(Server.Batch.Batches);
        Assert.Equal(SampleParagraphs, batch.Lines.Count);
        Assert.Equal("completed", batch.Status);
        var rows = Rows();
        Assert.Equal(SampleParagraphs, rows.Count);
        Assert.All(rows, r => Assert.Equal(("ok", "batch", batch.Id), (r.Status, r.Mode, r.BatchId)));
        var manifest = Manifest();
        var listed = Assert.Single(manifest.Batches!);
        Assert.Equal((batch.Id, "completed", SampleParagraphs), (listed.BatchId, listed.Status, listed.Lines));
        // The corpus text does not stay at the provider: input and output files are deleted.
        Assert.Contains(batch.InputFileId, Server.Batch.DeletedFileIds);
        Assert.Contains(batch.OutputFileId!, Server.Batch.DeletedFileIds);

        var again = await RunAsync();

        Assert.True(again.ExitCode == ExitCodes.Ok, again.LogText);
        Assert.Single(Server.Batch.Batches); // nothing submitted again
        Assert.Equal(1, Server.Batch.Count(TestBatchCallKind.Upload));
        Assert.All(Rows(), r => Assert.True(r.FromCache));
    }

    [Fact]
    public async Task EachRequestLineCarriesTheBodyTheSynchronousPathSendsForItsParagraph()
    {
        var sync = await StanceRunner.RunAsync(Args(Path.Combine(Folder.Path, "sync-out")));
        Assert.True(sync.ExitCode == ExitCodes.Ok, sync.LogText);
        var syncBodies = Server.Requests.ToDictionary(r => r.Paragraph, r => r.Json, StringComparer.Ordinal);
        Assert.Equal(SampleParagraphs, syncBodies.Count);

        var run = await RunAsync("--no-cache");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        var lines = Assert.Single(Server.Batch.Batches).Lines;
        Assert.Equal(SampleParagraphs, lines.Count);
        foreach (var line in lines)
        {
            Assert.Equal(("POST", "/v1/chat/completions"), (line.Method, line.Url));
            var body = line.Json;
            var paragraph = new RecordedRequest(0, line.Url, line.Body, string.Empty).Paragraph;
            var expected = syncBodies[paragraph];
            var (syncMessages, batchMessages) = (expected["messages"]!.AsArray(), body["messages"]!.AsArray());
            Assert.Equal(syncMessages.Count, batchMessages.Count);
            for (var m = 0; m < syncMessages.Count; m++)
            {
                var (want, got) = (syncMessages[m]!.ToJsonString(), batchMessages[m]!.ToJsonString());
                var at = Enumerable.Range(0, Math.Min(want.Length, got.Length)).FirstOrDefault(i => want[i] != got[i]);
                Assert.True(
                    want == got,
                    $"message {m} differs at {at}: sync …{want[Math.Max(0, at - 40)..Math.Min(want.Length, at + 60)]}… "
                    + $"batch …{got[Math.Max(0, at - 40)..Math.Min(got.Length, at + 60)]}…");
            }

            foreach (var field in expected.AsObject().Select(f => f.Key).Union(body.AsObject().Select(f => f.Key)))
            {
                Assert.True(
                    JsonNode.DeepEquals(expected[field], body[field]),
                    $"field {field} differs for paragraph '{paragraph[..20]}…':\n"
                    + $"sync:  {expected[field]?.ToJsonString()}\nbatch: {body[field]?.ToJsonString()}");
            }
        }

        // The custom_id is the request key, so the same paragraph has the same id in every run.
        Assert.All(lines, l => Assert.Matches("^[0-9a-f]{64}$", l.CustomId));
    }

    [Fact]
    public async Task RequestFilesAreSplitByLineCount()
    {
        var run = await RunAsync("--Stance:Batch:MaxRequestsPerFile=5");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.Equal([5, 5, 5, 2], Server.Batch.Batches.Select(b => b.Lines.Count));
        Assert.Equal(SampleParagraphs, Rows().Count(r => r.Mode == "batch"));
    }

    [Fact]
    public async Task RequestFilesAreSplitByBytesWhenTheByteLimitIsTheSmallerOne()
    {
        const int limit = 12_000;

        var run = await RunAsync($"--Stance:Batch:MaxFileBytes={limit}");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        var uploads = Server.Batch.Uploads;
        Assert.True(uploads.Count >= 3, $"{uploads.Count} files");
        Assert.All(uploads, u => Assert.InRange(u.Bytes.Length, 1, limit));
        Assert.Equal(SampleParagraphs, uploads.Sum(u => u.Lines.Count));
        Assert.Equal(SampleParagraphs, Rows().Count(r => r is { Mode: "batch", Status: "ok" }));
    }

    [Fact]
    public async Task AFailedLineIsAskedAgainSynchronouslyAndPaidOnce()
    {
        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        string? unlucky = null;
        Server.Responder = request =>
        {
            var times = seen.AddOrUpdate(request.Paragraph, 1, (_, n) => n + 1);
            if (unlucky is null && times == 1)
            {
                unlucky = request.Paragraph;
                return Reply.Status(500);
            }

            return Reply.Answer(request.DefaultAnswer());
        };

        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        var retried = Assert.Single(Server.Requests);
        Assert.Equal(unlucky, retried.Paragraph);
        var rows = Rows();
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.Equal(SampleParagraphs - 1, rows.Count(r => r.Mode == "batch"));
        Assert.Equal(unlucky, Assert.Single(rows, r => r.Mode == "sync").Text);
        Assert.All(seen, s => Assert.InRange(s.Value, 1, 2));
    }

    [Fact]
    public async Task WithRetryNoneAFailedLineIsAFailedRowOfItsKind()
    {
        var first = true;
        Server.Responder = request =>
        {
            if (first)
            {
                first = false;
                return Reply.Status(400);
            }

            return Reply.Answer(request.DefaultAnswer());
        };

        var run = await RunAsync("--Stance:Batch:Retry=none");

        Assert.Equal(ExitCodes.CompletedWithFailures, run.ExitCode);
        Assert.Empty(Server.Requests);
        var failed = Assert.Single(Rows(), r => r.Status == "failed");
        Assert.Equal(("batch_line_error", "batch"), (failed.ErrorKind, failed.Mode));
        Assert.Contains("status 400", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredBatchKeepsItsAnsweredLinesAndTheRestAreAskedOnce()
    {
        Server.Batch.Outcome = _ => TestBatchOutcome.Expired(answered: 5);

        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        var rows = Rows();
        Assert.Equal(SampleParagraphs, rows.Count);
        Assert.Equal(5, rows.Count(r => r.Mode == "batch"));
        Assert.Equal(SampleParagraphs - 5, Server.Requests.Count);
        Assert.Equal(SampleParagraphs - 5, Server.Requests.Select(r => r.Paragraph).Distinct().Count());
        Assert.DoesNotContain(
            Server.Requests,
            r => Assert.Single(Server.Batch.Batches).Requests.Any(b => b.Paragraph == r.Paragraph));
        Assert.Equal("expired", Assert.Single(Manifest().Batches!).Status);
    }

    [Fact]
    public async Task ACancelledBatchWithRetryNoneWritesItsUnansweredLinesAsCancelled()
    {
        Server.Batch.Outcome = _ => TestBatchOutcome.Cancelled(answered: 3);

        var run = await RunAsync("--Stance:Batch:Retry=none");

        Assert.Equal(ExitCodes.CompletedWithFailures, run.ExitCode);
        var rows = Rows();
        Assert.Equal(3, rows.Count(r => r.Status == "ok"));
        Assert.Equal(SampleParagraphs - 3, rows.Count(r => r.ErrorKind == "batch_cancelled"));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task AFailedBatchStopsTheRunQuotingTheProviderAndTheRerunSubmitsItsLinesOnce()
    {
        Server.Batch.Outcome = info => info.Number == 1
            ? TestBatchOutcome.Failed(new TestBatchError("model_mismatch", "The model is not a batch model.", Line: 2))
            : TestBatchOutcome.Completed();

        var failed = await RunAsync();

        Assert.Equal(ExitCodes.BatchFailed, failed.ExitCode);
        Assert.Contains(
            "line 2: model_mismatch: The model is not a batch model.",
            failed.LogText,
            StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Output, "paragraphs")));

        var rerun = await RunAsync();

        Assert.True(rerun.ExitCode == ExitCodes.Ok, rerun.LogText);
        Assert.Equal(2, Server.Batch.Batches.Count);
        Assert.Equal(SampleParagraphs, Server.Batch.Batches[1].Lines.Count);
        Assert.Equal(SampleParagraphs, Server.Batch.Batches[1].Requests.Count);
        Assert.All(Rows(), r => Assert.Equal(("ok", "batch"), (r.Status, r.Mode)));
    }

    [Fact]
    public async Task EveryControlPlaneCallSurvivesA429AndA500BeforeItSucceeds()
    {
        Server.Batch.Fault = call => call.Number switch
        {
            1 => Reply.Status(429, ("retry-after-ms", "1")),
            2 => Reply.Status(503),
            _ => null,
        };

        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.All(Rows(), r => Assert.Equal(("ok", "batch"), (r.Status, r.Mode)));
        Assert.Single(Server.Batch.Batches); // a retried create made one batch
        Assert.Single(Server.Batch.Uploads, u => u.Purpose == "batch");
        foreach (var kind in new[]
            {
                TestBatchCallKind.Upload, TestBatchCallKind.Create, TestBatchCallKind.Retrieve,
                TestBatchCallKind.Download, TestBatchCallKind.DeleteFile,
            })
        {
            Assert.True(Server.Batch.Count(kind) >= 3, $"{kind}: {Server.Batch.Count(kind)} calls");
        }
    }

    [Fact]
    public async Task ADownloadCutOffMidwayIsResumedAndEveryLineIsRecordedOnce()
    {
        Server.Batch.CutDownload = call => call.Number == 1 ? 3_000 : null;

        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.All(Rows(), r => Assert.Equal(("ok", "batch"), (r.Status, r.Mode)));
        Assert.Contains(Server.Batch.Calls, c => c.Kind == TestBatchCallKind.Download && c.Range.Length > 0);
    }

    [Fact]
    public async Task WithoutWaitingTheRunSubmitsAndALaterRunCollectsWithoutSubmittingAgain()
    {
        Server.Batch.RetrievesToFinish = 3;

        var submitted = await RunAsync("--Stance:Batch:Wait=false");

        Assert.True(submitted.ExitCode == ExitCodes.Ok, submitted.LogText);
        Assert.Contains("not waiting", submitted.LogText, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Output, "paragraphs")));
        var batch = Assert.Single(Server.Batch.Batches);
        Assert.False(batch.Ended);

        var collected = await RunAsync();

        Assert.True(collected.ExitCode == ExitCodes.Ok, collected.LogText);
        Assert.Single(Server.Batch.Batches);
        Assert.Equal(1, Server.Batch.Count(TestBatchCallKind.Upload));
        Assert.All(Rows(), r => Assert.Equal(("ok", "batch", batch.Id), (r.Status, r.Mode, r.BatchId)));
    }

    [Fact]
    public async Task BatchCancelCancelsTheOpenBatchesAndALaterRunWritesTheirLinesAsCancelled()
    {
        Server.Batch.RetrievesToFinish = 5;
        var submitted = await RunAsync("--Stance:Batch:Wait=false");
        Assert.True(submitted.ExitCode == ExitCodes.Ok, submitted.LogText);

        var cancel = await RunAsync("--batch-cancel");

        Assert.True(cancel.ExitCode == ExitCodes.Ok, cancel.LogText);
        Assert.True(Assert.Single(Server.Batch.Batches).CancelRequested);

        var collected = await RunAsync("--Stance:Batch:Retry=none");

        Assert.Equal(ExitCodes.CompletedWithFailures, collected.ExitCode);
        Assert.All(Rows(), r => Assert.Equal("batch_cancelled", r.ErrorKind));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task WithRetryBatchTheFailedAndRejectedLinesGoInAFollowUpBatchWithTheRejectionAsFeedback()
    {
        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var firstTwo = new ConcurrentQueue<string>();
        Server.Responder = request =>
        {
            if (seen.AddOrUpdate(request.Paragraph, 1, (_, n) => n + 1) == 1 && firstTwo.Count < 2)
            {
                firstTwo.Enqueue(request.Paragraph);
                return firstTwo.Count == 1
                    ? Reply.Status(500)
                    : Reply.Answer("{\"not\":\"an answer\"}");
            }

            return Reply.Answer(request.DefaultAnswer());
        };

        var run = await RunAsync("--Stance:Batch:Retry=batch");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.Empty(Server.Requests);
        Assert.Equal([SampleParagraphs, 2], Server.Batch.Batches.Select(b => b.Lines.Count));
        var followUp = Server.Batch.Batches[1];
        Assert.Equal("2", followUp.Metadata!["stance_round"]);
        var rejected = Assert.Single(followUp.Requests, r => r.Paragraph == firstTwo.Last());
        Assert.Contains("<rejected_previous_answer>", rejected.Message("user"), StringComparison.Ordinal);
        var failedLine = Assert.Single(followUp.Requests, r => r.Paragraph == firstTwo.First());
        Assert.DoesNotContain("<rejected_previous_answer>", failedLine.Message("user"), StringComparison.Ordinal);
        Assert.All(Rows(), r => Assert.Equal(("ok", "batch"), (r.Status, r.Mode)));
        Assert.Equal(2, Rows().Count(r => r.BatchId == followUp.Id));
    }

    [Fact]
    public async Task UnderAnEnqueuedTokenLimitTheNextFileWaitsForTheOpenBatchToEnd()
    {
        var mostOpen = 0;
        Server.Batch.Fault = call =>
        {
            if (call.Kind == TestBatchCallKind.Create)
            {
                mostOpen = Math.Max(mostOpen, Server.Batch.Batches.Count(b => !b.Ended));
            }

            return null;
        };

        // One file of 5 lines is about 5 × (1,500 prompt + 1,200 answer) tokens: a limit of 15,000 lets one at a time.
        var run = await RunAsync("--Stance:Batch:MaxRequestsPerFile=5", "--Stance:Batch:MaxEnqueuedTokens=15000");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.Equal(4, Server.Batch.Batches.Count);
        Assert.Equal(0, mostOpen);
        Assert.All(Rows(), r => Assert.Equal(("ok", "batch"), (r.Status, r.Mode)));
    }

    [Fact]
    public async Task PastMaxWaitTheBatchesAreCancelledAndTheirLinesAskedSynchronously()
    {
        Server.Batch.RetrievesToFinish = 100_000;

        var run = await RunAsync("--Stance:Batch:MaxWait=00:00:00.200");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.Contains("did not end within Stance:Batch:MaxWait", run.LogText, StringComparison.Ordinal);
        Assert.True(Assert.Single(Server.Batch.Batches).CancelRequested);
        Assert.Equal(SampleParagraphs, Server.Requests.Count);
        Assert.All(Rows(), r => Assert.Equal(("ok", "sync"), (r.Status, r.Mode)));
    }

    [Fact]
    public async Task AzureBatchesGoToTheV1RouteWithTheApiKeyHeaderAndTheDeploymentAsModel()
    {
        var run = await StanceRunner.RunAsync(
        [
            "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts, "--provider", "azure",
            "--endpoint", Server.Root, "--model", "gpt-4o-mini-batch", "--Stance:Llm:ApiKey=azure-key", "--batch",
            "--Stance:Batch:PollInterval=00:00:00.001",
        ]);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.All(
            Server.Batch.Calls,
            c => Assert.Equal((true, "azure-key", ""), (c.Azure, c.ApiKey, c.Authorization)));
        var batch = Assert.Single(Server.Batch.Batches);
        Assert.Equal("/chat/completions", batch.Endpoint);
        Assert.All(batch.Lines, l => Assert.Equal("/chat/completions", l.Url));
        Assert.All(batch.Lines, l => Assert.Equal("gpt-4o-mini-batch", l.Json["model"]!.GetValue<string>()));
        Assert.All(Rows(), r => Assert.Equal(("ok", "batch"), (r.Status, r.Mode)));
    }

    [Theory]
    [InlineData("create")]
    [InlineData("upload")]
    public async Task AReplyLostAfterTheProviderActedIsNotFollowedByASecondFileOrBatch(string call)
    {
        var kind = call == "create" ? TestBatchCallKind.Create : TestBatchCallKind.Upload;
        Server.Batch.LoseReply = call => call.Kind == kind && call.Number == 1;

        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.Ok, run.LogText);
        Assert.Single(Server.Batch.Batches);
        Assert.Single(Server.Batch.Uploads, u => u.Purpose == "batch");
        // The retry looked for what the lost call made (a second list call) and found it.
        var list = kind == TestBatchCallKind.Create ? TestBatchCallKind.List : TestBatchCallKind.ListFiles;
        Assert.True(Server.Batch.Count(list) >= 2, $"{list}: {Server.Batch.Count(list)} calls");
        Assert.All(Rows(), r => Assert.Equal(("ok", "batch"), (r.Status, r.Mode)));
    }

    [Fact]
    public async Task ARefusedKeyOnTheBatchApiStopsTheRunWithTheAuthExitCode()
    {
        Server.Batch.Fault = call => Reply.Status(401);

        var run = await RunAsync();

        Assert.Equal(ExitCodes.AuthFailed, run.ExitCode);
        Assert.Contains("refused the credentials", run.LogText, StringComparison.Ordinal);
        Assert.Equal(1, Server.Batch.Count(TestBatchCallKind.ListFiles) + Server.Batch.Count(TestBatchCallKind.Upload));
        Assert.False(Directory.Exists(Path.Combine(Output, "paragraphs")));
    }

    [Fact]
    public async Task PastMaxWaitNoFurtherFileOrRoundIsSubmitted()
    {
        Server.Batch.RetrievesToFinish = 100_000;

        var run = await RunAsync(
            "--Stance:Batch:MaxWait=00:00:00.200",
            "--Stance:Batch:Retry=batch",
            "--Stance:Batch:MaxRequestsPerFile=5",
            "--Stance:Batch:MaxEnqueuedTokens=15000");

        Assert.Equal(ExitCodes.CompletedWithFailures, run.ExitCode);
        var batch = Assert.Single(Server.Batch.Batches); // not the three waves after it, nor a second round
        Assert.True(batch.CancelRequested);
        var rows = Rows();
        Assert.Equal(SampleParagraphs, rows.Count);
        Assert.Equal(5, rows.Count(r => r.ErrorKind == "batch_cancelled"));
        Assert.Equal(SampleParagraphs - 5, rows.Count(r => r.ErrorKind == "batch_expired"));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task CancellingABatchThatEndedMeanwhileIsNotAnError()
    {
        Server.Batch.RetrievesToFinish = 2;
        var submitted = await RunAsync("--Stance:Batch:Wait=false");
        Assert.True(submitted.ExitCode == ExitCodes.Ok, submitted.LogText);
        // The provider finishes it before anyone looks again.
        using (var http = new HttpClient())
        {
            var batch = Assert.Single(Server.Batch.Batches);
            while (!batch.Ended)
            {
                (await http.GetAsync($"{Server.Endpoint}/batches/{batch.Id}")).Dispose();
            }
        }

        var cancel = await RunAsync("--batch-cancel");

        Assert.True(cancel.ExitCode == ExitCodes.Ok, cancel.LogText);
        var collected = await RunAsync();
        Assert.True(collected.ExitCode == ExitCodes.Ok, collected.LogText);
        Assert.All(Rows(), r => Assert.Equal(("ok", "batch"), (r.Status, r.Mode)));
    }

    [Theory]
    [InlineData("lexicon")]
    [InlineData("local")]
    public async Task BatchModeWithAProviderWithoutABatchApiIsAConfigurationError(string provider)
    {
        // A model file that exists, so that only the batch setting is wrong.
        var run = await StanceRunner.RunAsync(
        [
            "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts, "--provider", provider, "--batch",
            .. provider == "local"
                ? new[] { "--model-path", Path.Combine(RepoPaths.StancePrompt, "skprompt.txt") }
                : [],
        ]);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains(
            $"Stance:Batch: the provider '{provider}' has no Batch API",
            run.LogText,
            StringComparison.Ordinal);
        Assert.Equal(0, Server.Batch.Count(TestBatchCallKind.Upload));
    }

    private Task<RunResult> RunAsync(params string[] extra) =>
        StanceRunner.RunAsync([.. BatchArgs(Output), "--Stance:Llm:ApiKey=test-key", .. extra]);

    // A synchronous run, to compare its requests with the batch lines.
    private string[] Args(string output) =>
    [
        "--input", Input, "--output", output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
        "--endpoint", Server.Endpoint, "--model", "test-model", "--Stance:Llm:ApiKey=test-key",
        "--Stance:Resilience:BaseDelay=00:00:00.005", "--Stance:Resilience:MaxDelay=00:00:00.050",
    ];

    private List<Row> Rows() =>
        [.. DuckDb.Query(
            "SELECT text, status, mode, batch_id, error_kind, error, from_cache " +
            $"FROM read_parquet('{Output}/paragraphs/**/*.parquet', hive_partitioning = true)")
            .Select(r => new Row(
                (string)r["text"]!,
                (string)r["status"]!,
                (string)r["mode"]!,
                (string?)r["batch_id"],
                (string?)r["error_kind"],
                (string?)r["error"],
                (bool)r["from_cache"]!))];

    private RunManifest Manifest() => RunManifest.Read(Directory
        .GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)
        .OrderBy(File.GetLastWriteTimeUtc)
        .Last());

    private sealed record Row(
        string Text,
        string Status,
        string Mode,
        string? BatchId,
        string? ErrorKind,
        string? Error,
        bool FromCache);
}

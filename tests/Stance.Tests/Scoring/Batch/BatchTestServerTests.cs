using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Batch;
using OpenAI.Files;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Batch;

/// <summary>The OpenAI test server's Files and Batches API, driven with a plain HttpClient (and once with the OpenAI
/// .NET SDK), as the batch mode's tests will drive it.</summary>
public sealed class BatchTestServerTests : IAsyncLifetime
{
    private const string Chat = "/v1/chat/completions";
    private OpenAiTestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await OpenAiTestServer.StartAsync();
        _http = Client(_server.Endpoint, "Authorization", "Bearer test-key");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task AnUploadedFileBecomesABatchThatIsAnsweredLineByLineAfterThreeRetrieves()
    {
        string[] paragraphs = ["The U.S. spoke.", "Russia must stop.", "France agreed with Germany."];
        var jsonl = Jsonl(paragraphs.Select((p, i) => Line($"p{i + 1}", p)));

        var file = await UploadAsync(jsonl);
        var created = await CreateAsync(file["id"]!.GetValue<string>(), new JsonObject { ["run"] = "2025-11-30" });
        string[] statuses =
        [
            Status(await RetrieveAsync("batch_1")), Status(await RetrieveAsync("batch_1")),
            Status(await RetrieveAsync("batch_1")),
        ];
        var batch = await RetrieveAsync("batch_1");
        var output = await DownloadLinesAsync(batch["output_file_id"]!.GetValue<string>());

        Assert.Equal("file-1", file["id"]!.GetValue<string>());
        Assert.Equal("file", file["object"]!.GetValue<string>());
        Assert.Equal(Encoding.UTF8.GetByteCount(jsonl), file["bytes"]!.GetValue<int>());
        Assert.Equal("input.jsonl", file["filename"]!.GetValue<string>());
        Assert.Equal("batch", file["purpose"]!.GetValue<string>());
        Assert.Equal("processed", file["status"]!.GetValue<string>());
        Assert.Equal("batch_1", created["id"]!.GetValue<string>());
        Assert.Equal("batch", created["object"]!.GetValue<string>());
        Assert.Equal("validating", Status(created));
        Assert.Equal(Chat, created["endpoint"]!.GetValue<string>());
        Assert.Equal("24h", created["completion_window"]!.GetValue<string>());
        Assert.Equal("2025-11-30", created["metadata"]!["run"]!.GetValue<string>());
        Assert.Equal(
            created["created_at"]!.GetValue<long>() + 86_400, created["expires_at"]!.GetValue<long>());
        Assert.Null(created["output_file_id"]);
        Assert.Equal(["in_progress", "finalizing", "completed"], statuses);
        Assert.Null(batch["error_file_id"]);
        Assert.Null(batch["errors"]);
        Assert.NotNull(batch["completed_at"]);
        Assert.Equal(3, batch["request_counts"]!["total"]!.GetValue<int>());
        Assert.Equal(3, batch["request_counts"]!["completed"]!.GetValue<int>());
        Assert.Equal(0, batch["request_counts"]!["failed"]!.GetValue<int>());
        Assert.Equal(["p1", "p2", "p3"], output.Select(l => l["custom_id"]!.GetValue<string>()).Order());
        foreach (var line in output)
        {
            var paragraph = paragraphs[int.Parse(line["custom_id"]!.GetValue<string>()[1..]) - 1];
            Assert.StartsWith("batch_req_", line["id"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Null(line["error"]);
            Assert.Equal(200, line["response"]!["status_code"]!.GetValue<int>());
            var body = line["response"]!["body"]!;
            Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
            Assert.Equal(165, body["usage"]!["total_tokens"]!.GetValue<int>());
            Assert.Equal(
                TestAnswers.For(paragraph), body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        }

        var served = _server.Batch.Batch("batch_1");
        Assert.Equal(3, served.Requests.Count);
        Assert.All(served.Requests.Zip(served.Lines), pair => Assert.Equal(pair.Second.Body, pair.First.Body));
        Assert.Equal("Bearer test-key", served.Requests[0].Authorization);
        Assert.Equal(Chat, served.Requests[0].Path);
        Assert.Equal(paragraphs[0], served.Requests[0].Paragraph);
        Assert.Equal(3, Assert.Single(_server.Batch.Uploads).Lines.Count);
        Assert.Equal("2025-11-30", served.Metadata["run"]);
        Assert.Equal(4, _server.Batch.Count(TestBatchCallKind.Retrieve));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task EachLineIsAnsweredThroughTheResponderAndAnErrorStatusGoesToTheErrorFile()
    {
        _server.Responder = request => request.Paragraph.Contains("refuse", StringComparison.Ordinal)
            ? Reply.Status(400)
            : Reply.Answer("{\"scripted\":true}");
        _server.Batch.RetrievesToFinish = 1;
        var file = await UploadAsync(Jsonl([Line("a", "Fine."), Line("b", "Please refuse."), Line("c", "Fine too.")]));
        await CreateAsync(file["id"]!.GetValue<string>());

        var batch = await RetrieveAsync("batch_1");
        var output = await DownloadLinesAsync(batch["output_file_id"]!.GetValue<string>());
        var errors = await DownloadLinesAsync(batch["error_file_id"]!.GetValue<string>());

        Assert.Equal("completed", Status(batch));
        Assert.Equal(2, batch["request_counts"]!["completed"]!.GetValue<int>());
        Assert.Equal(1, batch["request_counts"]!["failed"]!.GetValue<int>());
        Assert.Equal(240, batch["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(["a", "c"], output.Select(l => l["custom_id"]!.GetValue<string>()));
        Assert.Equal(
            "{\"scripted\":true}",
            output[0]["response"]!["body"]!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var error = Assert.Single(errors);
        Assert.Equal("b", error["custom_id"]!.GetValue<string>());
        Assert.Equal(400, error["response"]!["status_code"]!.GetValue<int>());
        Assert.Equal(
            "invalid_request_error", error["response"]!["body"]!["error"]!["type"]!.GetValue<string>());
        Assert.Null(error["error"]);
    }

    [Fact]
    public async Task TheAzureRouteTakesAnApiKeyAndTheShortEndpoint()
    {
        using var azure = Client(_server.Batch.AzureEndpoint, "api-key", "azure-key");
        _server.Batch.RetrievesToFinish = 1;
        var file = await UploadAsync(Jsonl([Line("x", "The U.S. spoke.", "/chat/completions")]), client: azure);

        var created = await CreateAsync(file["id"]!.GetValue<string>(), endpoint: "/chat/completions", client: azure);
        var batch = await RetrieveAsync("batch_1", azure);

        Assert.Equal("/chat/completions", created["endpoint"]!.GetValue<string>());
        Assert.Equal("completed", Status(batch));
        Assert.All(_server.Batch.Calls, call =>
        {
            Assert.True(call.Azure);
            Assert.Equal("azure-key", call.ApiKey);
            Assert.Equal(string.Empty, call.Authorization);
        });
        Assert.Equal("/chat/completions", Assert.Single(_server.Batch.Batch("batch_1").Requests).Path);
        Assert.Equal("azure-key", _server.Batch.Batch("batch_1").ApiKey);
    }

    [Fact]
    public async Task FilesAndBatchesAreListedNewestFirstOnePageAtATime()
    {
        for (var i = 0; i < 3; i++)
        {
            var file = await UploadAsync(Jsonl([Line("a", "The U.S. spoke.")]), $"part-{i}.jsonl");
            await CreateAsync(file["id"]!.GetValue<string>());
        }

        var files1 = await GetAsync("files?purpose=batch&limit=2");
        var files2 = await GetAsync("files?purpose=batch&limit=2&after=" + files1["last_id"]!.GetValue<string>());
        var oldest = await GetAsync("files?purpose=batch&order=asc&limit=1");
        var batches1 = await GetAsync("batches?limit=2");
        var batches2 = await GetAsync("batches?limit=2&after=" + batches1["last_id"]!.GetValue<string>());

        Assert.Equal("list", files1["object"]!.GetValue<string>());
        Assert.Equal(["file-3", "file-2"], Ids(files1));
        Assert.True(files1["has_more"]!.GetValue<bool>());
        Assert.Equal("file-3", files1["first_id"]!.GetValue<string>());
        Assert.Equal(["file-1"], Ids(files2));
        Assert.False(files2["has_more"]!.GetValue<bool>());
        Assert.Equal(["file-1"], Ids(oldest));
        Assert.Equal(["batch_3", "batch_2"], Ids(batches1));
        Assert.True(batches1["has_more"]!.GetValue<bool>());
        Assert.Equal(["batch_1"], Ids(batches2));
        Assert.False(batches2["has_more"]!.GetValue<bool>());
        Assert.Equal("validating", Status(batches2["data"]![0]!));
        Assert.Equal(0, _server.Batch.Count(TestBatchCallKind.Retrieve));
    }

    [Fact]
    public async Task AnExpiredBatchKeepsTheLinesAnsweredInTimeAndReportsTheRestAsBatchExpired()
    {
        var seen = new List<TestBatchInfo>();
        _server.Batch.Outcome = info =>
        {
            seen.Add(info);
            return info.Metadata.GetValueOrDefault("shard") == "late"
                ? TestBatchOutcome.Expired(answered: 2)
                : TestBatchOutcome.Completed();
        };
        var file = await UploadAsync(Jsonl(Enumerable.Range(1, 4).Select(i => Line($"p{i}", $"Paragraph {i}."))));
        await CreateAsync(file["id"]!.GetValue<string>(), new JsonObject { ["shard"] = "late" });

        string[] statuses =
        [
            Status(await RetrieveAsync("batch_1")), Status(await RetrieveAsync("batch_1")),
            Status(await RetrieveAsync("batch_1")),
        ];
        var batch = await RetrieveAsync("batch_1");
        var output = await DownloadLinesAsync(batch["output_file_id"]!.GetValue<string>());
        var errors = await DownloadLinesAsync(batch["error_file_id"]!.GetValue<string>());

        var info = Assert.Single(seen);
        Assert.Equal((1, "batch_1", 4, "test-model"), (info.Number, info.Id, info.LineCount, info.Model));
        Assert.Equal(["in_progress", "in_progress", "expired"], statuses);
        Assert.NotNull(batch["expired_at"]);
        Assert.Null(batch["completed_at"]);
        Assert.Equal(2, batch["request_counts"]!["completed"]!.GetValue<int>());
        Assert.Equal(2, batch["request_counts"]!["failed"]!.GetValue<int>());
        Assert.Equal(["p1", "p2"], output.Select(l => l["custom_id"]!.GetValue<string>()));
        Assert.Equal(["p3", "p4"], errors.Select(l => l["custom_id"]!.GetValue<string>()));
        Assert.All(errors, line =>
        {
            Assert.Null(line["response"]);
            Assert.Equal("batch_expired", line["error"]!["code"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(line["error"]!["message"]!.GetValue<string>()));
        });
        Assert.Equal(2, _server.Batch.Batch("batch_1").Requests.Count);
    }

    [Fact]
    public async Task ACancelledBatchIsCancellingUntilTheNextRetrieveAndKeepsTheLinesFinishedSoFar()
    {
        _server.Batch.Outcome = _ => TestBatchOutcome.Completed(answeredIfCancelled: 1);
        var file = await UploadAsync(Jsonl([Line("a", "One."), Line("b", "Two."), Line("c", "Three.")]));
        await CreateAsync(file["id"]!.GetValue<string>());

        var running = await RetrieveAsync("batch_1");
        var (cancelStatus, cancelling) = await SendAsync(HttpMethod.Post, "batches/batch_1/cancel");
        var batch = await RetrieveAsync("batch_1");
        var (againStatus, again) = await SendAsync(HttpMethod.Post, "batches/batch_1/cancel");
        var output = await DownloadLinesAsync(batch["output_file_id"]!.GetValue<string>());
        var errors = await DownloadLinesAsync(batch["error_file_id"]!.GetValue<string>());

        Assert.Equal("in_progress", Status(running));
        Assert.Equal(HttpStatusCode.OK, cancelStatus);
        Assert.Equal("cancelling", Status(cancelling));
        Assert.NotNull(cancelling["cancelling_at"]);
        Assert.Equal("cancelled", Status(batch));
        Assert.NotNull(batch["cancelled_at"]);
        Assert.Equal((HttpStatusCode.OK, "cancelled"), (againStatus, Status(again)));
        Assert.Equal(["a"], output.Select(l => l["custom_id"]!.GetValue<string>()));
        Assert.Equal(["b", "c"], errors.Select(l => l["custom_id"]!.GetValue<string>()));
        Assert.All(errors, line => Assert.Equal("batch_cancelled", line["error"]!["code"]!.GetValue<string>()));
        Assert.True(_server.Batch.Batch("batch_1").CancelRequested);
    }

    [Fact]
    public async Task AScriptedCancellationPassesThroughCancellingAndACompletedBatchCannotBeCancelled()
    {
        _server.Batch.Outcome = info => info.Number == 1
            ? TestBatchOutcome.Cancelled(answered: 0)
            : TestBatchOutcome.Completed();
        _server.Batch.RetrievesToFinish = 2;
        var file = await UploadAsync(Jsonl([Line("a", "One.")]));
        await CreateAsync(file["id"]!.GetValue<string>());
        await CreateAsync(file["id"]!.GetValue<string>());

        string[] first = [Status(await RetrieveAsync("batch_1")), Status(await RetrieveAsync("batch_1"))];
        string[] second = [Status(await RetrieveAsync("batch_2")), Status(await RetrieveAsync("batch_2"))];
        var (status, error) = await SendAsync(HttpMethod.Post, "batches/batch_2/cancel");
        var cancelled = await RetrieveAsync("batch_1");

        Assert.Equal(["cancelling", "cancelled"], first);
        Assert.Equal(["finalizing", "completed"], second);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error["error"]!["type"]!.GetValue<string>());
        Assert.Null(cancelled["output_file_id"]);
        Assert.NotNull(cancelled["error_file_id"]);
        Assert.Empty(_server.Batch.Batch("batch_1").Requests);
    }

    [Fact]
    public async Task ADuplicateCustomIdFailsTheBatchWithTheLineNumber()
    {
        var file = await UploadAsync(Jsonl([Line("p1", "One."), Line("p2", "Two."), Line("p1", "Three.")]));
        var created = await CreateAsync(file["id"]!.GetValue<string>());

        var batch = await RetrieveAsync("batch_1");

        Assert.Equal("validating", Status(created));
        Assert.Equal("failed", Status(batch));
        Assert.NotNull(batch["failed_at"]);
        Assert.Null(batch["in_progress_at"]);
        Assert.Equal("list", batch["errors"]!["object"]!.GetValue<string>());
        var error = Assert.Single(batch["errors"]!["data"]!.AsArray())!;
        Assert.Equal("duplicate_custom_id", error["code"]!.GetValue<string>());
        Assert.Equal(3, error["line"]!.GetValue<int>());
        Assert.Equal("custom_id", error["param"]!.GetValue<string>());
        Assert.Null(batch["output_file_id"]);
        Assert.Null(batch["error_file_id"]);
        Assert.Empty(_server.Batch.Batch("batch_1").Requests);
        Assert.Equal("failed", _server.Batch.Batch("batch_1").Status);
    }

    [Fact]
    public async Task InvalidLinesAndAScriptedFailureAreReportedInErrors()
    {
        _server.Batch.Outcome = info => info.Number == 2
            ? TestBatchOutcome.Failed(new TestBatchError("token_limit_exceeded", "Enqueued token limit reached."))
            : TestBatchOutcome.Completed();
        var bad = await UploadAsync(Jsonl(
        [
            Line("a", "One."), "{not json", Line("c", "Three.", url: "/v1/embeddings"),
            Line("d", "Four.", model: "other-model"),
        ]));
        var good = await UploadAsync(Jsonl([Line("a", "One.")]));
        await CreateAsync(bad["id"]!.GetValue<string>());
        await CreateAsync(good["id"]!.GetValue<string>());

        var invalid = await RetrieveAsync("batch_1");
        var scripted = await RetrieveAsync("batch_2");

        Assert.Equal(
            [("invalid_json_line", 2), ("url_mismatch", 3), ("model_mismatch", 4)],
            invalid["errors"]!["data"]!.AsArray()
                .Select(e => (e!["code"]!.GetValue<string>(), e["line"]!.GetValue<int>())));
        Assert.Equal("failed", Status(scripted));
        Assert.Equal(
            "token_limit_exceeded", scripted["errors"]!["data"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnInjected429IsServedInsteadOfTheCreateAndTheRetriedCreateSucceeds()
    {
        _server.Batch.Fault = call => call is { Kind: TestBatchCallKind.Create, Number: 1 }
            ? Reply.Status(429, ("retry-after", "0"))
            : null;
        var file = await UploadAsync(Jsonl([Line("a", "One.")]));
        var request = new JsonObject
        {
            ["input_file_id"] = file["id"]!.GetValue<string>(),
            ["endpoint"] = Chat,
            ["completion_window"] = "24h",
        };

        using var limited = await _http.PostAsync("batches", Json(request));
        var limitedBody = JsonNode.Parse(await limited.Content.ReadAsStringAsync())!;
        var batchesAfterRefusal = _server.Batch.Batches.Count;
        var (status, batch) = await SendAsync(HttpMethod.Post, "batches", request);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("0", limited.Headers.GetValues("retry-after").Single());
        Assert.Equal("rate_limit_exceeded", limitedBody["error"]!["code"]!.GetValue<string>());
        Assert.Equal(0, batchesAfterRefusal);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("batch_1", batch["id"]!.GetValue<string>());
        Assert.Equal(2, _server.Batch.Count(TestBatchCallKind.Create));
        Assert.Equal([1, 2], _server.Batch.Calls.Where(c => c.Kind == TestBatchCallKind.Create).Select(c => c.Number));
    }

    [Fact]
    public async Task ADroppedRetrieveDoesNotMoveTheBatchOn()
    {
        _server.Batch.Fault = call => call is { Kind: TestBatchCallKind.Retrieve, Number: 1 } ? Reply.Drop() : null;
        var file = await UploadAsync(Jsonl([Line("a", "One.")]));
        await CreateAsync(file["id"]!.GetValue<string>());

        await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetAsync("batches/batch_1"));
        var retriesBefore = _server.Batch.Batch("batch_1").Retrieves;
        var batch = await RetrieveAsync("batch_1");

        Assert.Equal(0, retriesBefore);
        Assert.Equal("in_progress", Status(batch));
    }

    [Fact]
    public async Task ADownloadCutShortIsResumedWithARangeRequest()
    {
        _server.Batch.RetrievesToFinish = 1;
        var file = await UploadAsync(Jsonl(Enumerable.Range(1, 3).Select(i => Line($"p{i}", $"Paragraph {i}."))));
        await CreateAsync(file["id"]!.GetValue<string>());
        var outputId = (await RetrieveAsync("batch_1"))["output_file_id"]!.GetValue<string>();
        var whole = _server.Batch.File(outputId).Bytes;
        _server.Batch.CutDownload = call => call.Number == 1 ? 100 : null;

        using var first = await _http.GetAsync($"files/{outputId}/content", HttpCompletionOption.ResponseHeadersRead);
        var received = new MemoryStream();
        await using (var stream = await first.Content.ReadAsStreamAsync())
        {
            await Assert.ThrowsAnyAsync<IOException>(() => stream.CopyToAsync(received));
        }

        var cutAt = received.Length;
        using var resume = new HttpRequestMessage(HttpMethod.Get, $"files/{outputId}/content");
        resume.Headers.Range = new RangeHeaderValue(received.Length, null);
        using var rest = await _http.SendAsync(resume);
        await rest.Content.CopyToAsync(received);
        using var beyond = new HttpRequestMessage(HttpMethod.Get, $"files/{outputId}/content");
        beyond.Headers.Range = new RangeHeaderValue(whole.Length, null);
        using var nothing = await _http.SendAsync(beyond);

        Assert.Equal(whole.Length, first.Content.Headers.ContentLength);
        Assert.Equal(100, cutAt);
        Assert.Equal(HttpStatusCode.PartialContent, rest.StatusCode);
        Assert.Equal($"bytes 100-{whole.Length - 1}/{whole.Length}", rest.Content.Headers.ContentRange!.ToString());
        Assert.Equal(whole, received.ToArray());
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, nothing.StatusCode);
        Assert.Equal(["", "bytes=100-", $"bytes={whole.Length}-"],
            _server.Batch.Calls.Where(c => c.Kind == TestBatchCallKind.Download).Select(c => c.Range));
    }

    [Fact]
    public async Task FilesCanBeReadAndDeletedAndUnknownIdsAnswer404WithAnOpenAiError()
    {
        var file = await UploadAsync(Jsonl([Line("a", "One.")]));
        var id = file["id"]!.GetValue<string>();

        var read = await GetAsync("files/" + id);
        var (deleteStatus, deleted) = await SendAsync(HttpMethod.Delete, "files/" + id);
        var (goneStatus, gone) = await SendAsync(HttpMethod.Get, "files/" + id + "/content");
        var (noBatchStatus, noBatch) = await SendAsync(HttpMethod.Get, "batches/batch_9");
        var (createStatus, create) = await SendAsync(HttpMethod.Post, "batches", new JsonObject
        {
            ["input_file_id"] = id, ["endpoint"] = Chat, ["completion_window"] = "24h",
        });

        Assert.Equal(id, read["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.Equal(
            new JsonObject { ["id"] = id, ["object"] = "file", ["deleted"] = true }.ToJsonString(),
            deleted.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, goneStatus);
        Assert.Contains(id, gone["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, noBatchStatus);
        Assert.Equal("invalid_request_error", noBatch["error"]!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, createStatus);
        Assert.Equal("input_file_id", create["error"]!["param"]!.GetValue<string>());
        Assert.Equal([id], _server.Batch.DeletedFileIds);
        Assert.Empty(_server.Batch.Files);
        Assert.Single(_server.Batch.Uploads);
    }

    [Fact]
    public async Task TheServerRefusesWhatTheRealApiRefuses()
    {
        var file = await UploadAsync(Jsonl([Line("a", "One.")]));
        var id = file["id"]!.GetValue<string>();
        var tooMuch = new JsonObject();
        for (var i = 0; i < 17; i++)
        {
            tooMuch[$"k{i}"] = "v";
        }

        var (shortEndpoint, _) = await SendAsync(HttpMethod.Post, "batches", new JsonObject
        {
            ["input_file_id"] = id, ["endpoint"] = "/chat/completions", ["completion_window"] = "24h",
        });
        var (metadata, _) = await SendAsync(HttpMethod.Post, "batches", new JsonObject
        {
            ["input_file_id"] = id, ["endpoint"] = Chat, ["completion_window"] = "24h", ["metadata"] = tooMuch,
        });
        using var txt = await _http.PostAsync("files", Form("batch", "x", "input.txt"));
        using var fineTune = await _http.PostAsync("files", Form("fine-tune", "x", "input.jsonl"));

        Assert.Equal(HttpStatusCode.BadRequest, shortEndpoint);
        Assert.Equal(HttpStatusCode.BadRequest, metadata);
        Assert.Equal(HttpStatusCode.BadRequest, txt.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, fineTune.StatusCode);
        Assert.Empty(_server.Batch.Batches);
    }

#pragma warning disable OPENAI001 // the SDK's batch client is experimental
    [Fact]
    public async Task TheOpenAiDotnetSdkUploadsCreatesPollsAndDownloads()
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(_server.Endpoint) };
        var files = new OpenAIFileClient(new ApiKeyCredential("sdk-key"), options);
        var batches = new BatchClient(new ApiKeyCredential("sdk-key"), options);

        OpenAIFile file = await files.UploadFileAsync(
            BinaryData.FromString(Jsonl([Line("a", "The U.S. spoke.")])), "input.jsonl", FileUploadPurpose.Batch);
        var operation = await batches.CreateBatchAsync(
            BinaryContent.Create(BinaryData.FromObjectAsJson(new Dictionary<string, string>
            {
                ["input_file_id"] = file.Id, ["endpoint"] = Chat, ["completion_window"] = "24h",
            })),
            waitUntilCompleted: false);
        for (var i = 0; i < 5 && !operation.HasCompleted; i++)
        {
            await operation.UpdateStatusAsync();
        }

        var batch = JsonNode.Parse(operation.GetRawResponse().Content.ToString())!;
        BinaryData output = await files.DownloadFileAsync(batch["output_file_id"]!.GetValue<string>());

        Assert.Equal(("file-1", "input.jsonl"), (file.Id, file.Filename));
        Assert.True(operation.HasCompleted);
        Assert.Equal("completed", Status(batch));
        Assert.Equal("a", JsonNode.Parse(output.ToString())!["custom_id"]!.GetValue<string>());
        Assert.Equal("Bearer sdk-key", _server.Batch.Batch(operation.BatchId).Authorization);
    }
#pragma warning restore OPENAI001

    private static HttpClient Client(string endpoint, string header, string value)
    {
        var client = new HttpClient { BaseAddress = new Uri(endpoint + "/"), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
        return client;
    }

    private static string Line(string customId, string paragraph, string url = Chat, string model = "test-model") =>
        new JsonObject
        {
            ["custom_id"] = customId,
            ["method"] = "POST",
            ["url"] = url,
            ["body"] = new JsonObject
            {
                ["model"] = model,
                ["messages"] = new JsonArray(
                    new JsonObject { ["role"] = "system", ["content"] = "Score the paragraph." },
                    new JsonObject { ["role"] = "user", ["content"] = $"<paragraph>{paragraph}</paragraph>" }),
            },
        }.ToJsonString();

    private static string Jsonl(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    private static MultipartFormDataContent Form(string purpose, string content, string filename) => new()
    {
        { new StringContent(purpose), "purpose" },
        { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", filename },
    };

    private static StringContent Json(JsonNode body) =>
        new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static string Status(JsonNode batch) => batch["status"]!.GetValue<string>();

    private static string[] Ids(JsonNode list) =>
        [.. list["data"]!.AsArray().Select(item => item!["id"]!.GetValue<string>())];

    private async Task<JsonNode> UploadAsync(string jsonl, string filename = "input.jsonl", HttpClient? client = null)
    {
        using var form = Form("batch", jsonl, filename);
        using var response = await (client ?? _http).PostAsync("files", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<JsonNode> CreateAsync(
        string fileId, JsonObject? metadata = null, string endpoint = Chat, HttpClient? client = null)
    {
        var body = new JsonObject
        {
            ["input_file_id"] = fileId,
            ["endpoint"] = endpoint,
            ["completion_window"] = "24h",
            ["metadata"] = metadata,
        };
        using var response = await (client ?? _http).PostAsync("batches", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private Task<JsonNode> RetrieveAsync(string id, HttpClient? client = null) => GetAsync("batches/" + id, client);

    private async Task<JsonNode> GetAsync(string path, HttpClient? client = null)
    {
        using var response = await (client ?? _http).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(
        HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = Json(body);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private async Task<List<JsonNode>> DownloadLinesAsync(string fileId)
    {
        var text = await _http.GetStringAsync($"files/{fileId}/content");
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];
    }
}

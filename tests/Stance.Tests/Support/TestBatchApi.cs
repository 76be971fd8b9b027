using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Stance.Tests.Support;

/// <summary>The OpenAI Files and Batches API (OpenAI's <c>/v1/...</c> and Azure's <c>/openai/v1/...</c>) on the
/// <see cref="OpenAiTestServer"/>: files are kept in memory, a batch moves on only when it is retrieved (never with
/// time), its lines are answered through the server's <see cref="OpenAiTestServer.Responder"/>, and tests script
/// how each batch ends (<see cref="Outcome"/>) and which control-plane calls fail (<see cref="Fault"/>,
/// <see cref="CutDownload"/>).</summary>
internal sealed class TestBatchApi
{
    private const string ChatEndpoint = "/v1/chat/completions";
    private const string AzureChatEndpoint = "/chat/completions";
    private const int MaxLines = 50_000;
    private readonly OpenAiTestServer _server;
    private readonly Lock _gate = new();
    private readonly List<TestFile> _files = [];
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private readonly List<string> _deletedOrder = [];
    private readonly List<TestBatch> _batches = [];
    private readonly int[] _counts = new int[Enum.GetValues<TestBatchCallKind>().Length];
    private int _fileNumber;
    private int _lineNumber;
    private int _responseNumber;

    internal TestBatchApi(OpenAiTestServer server) => _server = server;

    /// <summary>The base URL of Azure's v1 route (<c>{root}/openai/v1</c>); OpenAI's is
    /// <see cref="OpenAiTestServer.Endpoint"/>.</summary>
    public string AzureEndpoint => _server.Root + "/openai/v1";

    /// <summary>How many retrieves a batch takes to end (default 3: <c>in_progress</c>, <c>finalizing</c>,
    /// <c>completed</c>; the create reply says <c>validating</c>). With 1, the first retrieve ends it. A batch
    /// that fails validation fails on the first retrieve; one the client cancelled is <c>cancelled</c> on the
    /// next.</summary>
    public int RetrievesToFinish { get; set; } = 3;

    /// <summary>Decides, at create, how each batch ends; the default completes every batch.</summary>
    public Func<TestBatchInfo, TestBatchOutcome> Outcome { get; set; } = _ => TestBatchOutcome.Completed();

    /// <summary>Called for every Files and Batches request before it is handled; a non-null <see cref="Reply"/>
    /// is served instead (<see cref="Reply.Status"/> with its headers and body, or an OpenAI error body;
    /// <see cref="Reply.Drop"/>; <see cref="Reply.Malformed"/>; <see cref="Reply.Answer"/> sends its text as a 200
    /// JSON body), honouring <see cref="Reply.Hold"/> and <see cref="Reply.Delay"/>, and the server's state does
    /// not change.</summary>
    public Func<TestBatchCall, Reply?>? Fault { get; set; }

    /// <summary>Called for every Files and Batches request after it was handled (the server's state changed): true
    /// aborts the connection instead of sending the reply, as a gateway that loses a reply does.</summary>
    public Func<TestBatchCall, bool>? LoseReply { get; set; }

    /// <summary>Called for every download that is served; a number cuts the body after that many bytes and closes
    /// the connection (the <c>Content-Length</c> announces the whole body, so the client's read fails after it has
    /// received exactly those bytes).</summary>
    public Func<TestBatchCall, int?>? CutDownload { get; set; }

    /// <summary>Writes output and error lines in reverse input order (the real API does not keep the input's
    /// order).</summary>
    public bool ReverseOutputOrder { get; set; }

    /// <summary>The clock for the <c>*_at</c> timestamps.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Every Files and Batches request, in arrival order.</summary>
    public ConcurrentQueue<TestBatchCall> Calls { get; } = new();

    /// <summary>Every file uploaded through <c>POST files</c>, in order, deleted ones included.</summary>
    public IReadOnlyList<TestFile> Uploads
    {
        get
        {
            lock (_gate)
            {
                return [.. _files.Where(f => f.Purpose == "batch")];
            }
        }
    }

    /// <summary>The files the server still holds (uploads and batch outputs), oldest first.</summary>
    public IReadOnlyList<TestFile> Files
    {
        get
        {
            lock (_gate)
            {
                return [.. _files.Where(f => !_deleted.Contains(f.Id))];
            }
        }
    }

    /// <summary>The ids of the files deleted through <c>DELETE files/{id}</c>, in order.</summary>
    public IReadOnlyList<string> DeletedFileIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _deletedOrder];
            }
        }
    }

    /// <summary>Every batch created, in order.</summary>
    public IReadOnlyList<TestBatch> Batches
    {
        get
        {
            lock (_gate)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>How many requests of <paramref name="kind"/> arrived (faulted ones included).</summary>
    public int Count(TestBatchCallKind kind) => Volatile.Read(ref _counts[(int)kind]);

    /// <summary>The batch with this id.</summary>
    public TestBatch Batch(string id)
    {
        lock (_gate)
        {
            return _batches.Single(b => b.Id == id);
        }
    }

    /// <summary>The file with this id (deleted or not).</summary>
    public TestFile File(string id)
    {
        lock (_gate)
        {
            return _files.Single(f => f.Id == id);
        }
    }

    /// <summary>Maps the routes under both prefixes.</summary>
    internal void Map(WebApplication app)
    {
        foreach (var prefix in new[] { "/v1", "/openai/v1" })
        {
            app.MapPost(prefix + "/files", c => HandleAsync(c, TestBatchCallKind.Upload));
            app.MapGet(prefix + "/files", c => HandleAsync(c, TestBatchCallKind.ListFiles));
            app.MapGet(prefix + "/files/{id}", c => HandleAsync(c, TestBatchCallKind.RetrieveFile));
            app.MapGet(prefix + "/files/{id}/content", c => HandleAsync(c, TestBatchCallKind.Download));
            app.MapDelete(prefix + "/files/{id}", c => HandleAsync(c, TestBatchCallKind.DeleteFile));
            app.MapPost(prefix + "/batches", c => HandleAsync(c, TestBatchCallKind.Create));
            app.MapGet(prefix + "/batches", c => HandleAsync(c, TestBatchCallKind.List));
            app.MapGet(prefix + "/batches/{id}", c => HandleAsync(c, TestBatchCallKind.Retrieve));
            app.MapPost(prefix + "/batches/{id}/cancel", c => HandleAsync(c, TestBatchCallKind.Cancel));
        }
    }

    private async Task HandleAsync(HttpContext context, TestBatchCallKind kind)
    {
        var request = context.Request;
        var call = new TestBatchCall(
            kind,
            Interlocked.Increment(ref _counts[(int)kind]),
            request.Method,
            request.Path.Value ?? string.Empty,
            request.QueryString.Value ?? string.Empty,
            request.RouteValues.TryGetValue("id", out var id) ? id as string : null,
            request.Headers.Authorization.ToString(),
            request.Headers["api-key"].ToString(),
            request.Headers.Range.ToString());
        Calls.Enqueue(call);
        context.Response.Headers["x-request-id"] =
            "req_" + Interlocked.Increment(ref _responseNumber).ToString("x8", CultureInfo.InvariantCulture);
        if (Fault?.Invoke(call) is { } fault)
        {
            await ServeFaultAsync(context, fault);
            return;
        }

        if (kind == TestBatchCallKind.Download)
        {
            await DownloadAsync(context, call);
            return;
        }

        var (status, body) = kind switch
        {
            TestBatchCallKind.Upload => await UploadAsync(context),
            TestBatchCallKind.ListFiles => ListFiles(request.Query),
            TestBatchCallKind.RetrieveFile => RetrieveFile(call.Id!),
            TestBatchCallKind.DeleteFile => DeleteFile(call.Id!),
            TestBatchCallKind.Create => await CreateAsync(context, call),
            TestBatchCallKind.Retrieve => Retrieve(call.Id!),
            TestBatchCallKind.List => ListBatches(request.Query),
            _ => Cancel(call.Id!),
        };
        if (LoseReply?.Invoke(call) == true)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static async Task ServeFaultAsync(HttpContext context, Reply reply)
    {
        if (reply.Hold is { } hold)
        {
            await hold.WaitAsync(context.RequestAborted);
        }

        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, context.RequestAborted);
        }

        if (reply.Kind == ReplyKind.Drop)
        {
            context.Abort();
            return;
        }

        foreach (var (name, value) in reply.Headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = "application/json";
        switch (reply.Kind)
        {
            case ReplyKind.Status:
                context.Response.StatusCode = reply.StatusCode;
                await context.Response.WriteAsync(
                    reply.Body ?? ErrorBody(reply.StatusCode).ToJsonString(), context.RequestAborted);
                return;
            case ReplyKind.MalformedBody:
                await context.Response.WriteAsync("{\"id\":\"batch_broken\",\"object\":\"bat", context.RequestAborted);
                return;
            default:
                await context.Response.WriteAsync(reply.Body ?? "{}", context.RequestAborted);
                return;
        }
    }

    private async Task<(int, JsonNode)> UploadAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = 200L * 1024 * 1024;
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Error(400, "The request must be multipart/form-data with the fields 'purpose' and 'file'.", null);
        }

        string? purpose = null;
        string? filename = null;
        byte[]? bytes = null;
        long? expiresAfter = null;
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (disposition.IsFileDisposition())
            {
                using var buffer = new MemoryStream();
                await section.Body.CopyToAsync(buffer, context.RequestAborted);
                if (name == "file")
                {
                    bytes = buffer.ToArray();
                    filename = disposition.FileNameStar.HasValue
                        ? disposition.FileNameStar.Value
                        : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                }

                continue;
            }

            using var text = new StreamReader(section.Body, Encoding.UTF8);
            var value = await text.ReadToEndAsync(context.RequestAborted);
            if (name == "purpose")
            {
                purpose = value;
            }
            else if (name == "expires_after[seconds]" && long.TryParse(value, CultureInfo.InvariantCulture, out var s))
            {
                expiresAfter = s;
            }
        }

        if (bytes is null)
        {
            return Error(400, "Missing required parameter: 'file'.", "file");
        }

        if (purpose is null)
        {
            return Error(400, "Missing required parameter: 'purpose'.", "purpose");
        }

        if (purpose != "batch")
        {
            return Error(400, $"Invalid value for 'purpose': '{purpose}'; this test server takes only 'batch'.",
                "purpose");
        }

        if (filename is null || !filename.EndsWith(".jsonl", StringComparison.Ordinal))
        {
            return Error(400, "Invalid file format for Batch API. Must be .jsonl", "file");
        }

        lock (_gate)
        {
            var now = Now();
            var file = AddFile(filename, "batch", bytes, now + expiresAfter);
            return (200, FileJson(file));
        }
    }

    private (int, JsonNode) ListFiles(IQueryCollection query)
    {
        var purpose = query["purpose"].ToString();
        var descending = query["order"].ToString() != "asc";
        if (!TryLimit(query, 10_000, 10_000, out var limit))
        {
            return Error(400, "Invalid 'limit': it must be between 1 and 10000.", "limit");
        }

        lock (_gate)
        {
            var ordered = descending ? _files.AsEnumerable().Reverse().ToList() : _files;
            var matching = ordered.Where(f => purpose.Length == 0 || f.Purpose == purpose).ToList();
            return Page(matching, f => f.Id, f => _deleted.Contains(f.Id), FileJson, query["after"].ToString(), limit);
        }
    }

    private (int, JsonNode) RetrieveFile(string id)
    {
        lock (_gate)
        {
            return FindFile(id) is { } file ? (200, FileJson(file)) : NoSuchFile(id);
        }
    }

    private (int, JsonNode) DeleteFile(string id)
    {
        lock (_gate)
        {
            if (FindFile(id) is null)
            {
                return NoSuchFile(id);
            }

            _deleted.Add(id);
            _deletedOrder.Add(id);
            return (200, new JsonObject { ["id"] = id, ["object"] = "file", ["deleted"] = true });
        }
    }

    private async Task DownloadAsync(HttpContext context, TestBatchCall call)
    {
        TestFile? file;
        lock (_gate)
        {
            file = FindFile(call.Id!);
        }

        var response = context.Response;
        if (file is null)
        {
            var (status, body) = NoSuchFile(call.Id!);
            response.StatusCode = status;
            response.ContentType = "application/json";
            await response.WriteAsync(body.ToJsonString(), context.RequestAborted);
            return;
        }

        var bytes = file.Bytes;
        long from = 0;
        var to = bytes.Length - 1L;
        response.Headers.AcceptRanges = "bytes";
        if (RangeHeaderValue.TryParse(call.Range, out var range) && range.Unit == "bytes"
            && range.Ranges.Count == 1 && range.Ranges.First() is { From: { } start } item)
        {
            if (start >= bytes.Length)
            {
                response.StatusCode = 416;
                response.Headers.ContentRange = $"bytes */{bytes.Length}";
                return;
            }

            from = start;
            to = Math.Min(item.To ?? to, to);
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {from}-{to}/{bytes.Length}";
        }

        var length = (int)(to - from + 1);
        response.ContentType = "application/octet-stream";
        response.ContentLength = length;
        if (CutDownload?.Invoke(call) is { } cut && cut < length)
        {
            // Fewer bytes than the Content-Length: Kestrel closes the connection after sending them (no reset, so the
            // client reads every byte sent, then fails with "the response ended prematurely").
            await response.Body.WriteAsync(bytes.AsMemory((int)from, Math.Max(cut, 0)), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            return;
        }

        await response.Body.WriteAsync(bytes.AsMemory((int)from, length), context.RequestAborted);
    }

    private async Task<(int, JsonNode)> CreateAsync(HttpContext context, TestBatchCall call)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)
                as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return Error(400, "We could not parse the JSON body of your request.", null);
        }

        if (Text(body, "input_file_id") is not { } inputFileId)
        {
            return Error(400, "Missing required parameter: 'input_file_id'.", "input_file_id");
        }

        var endpoint = Text(body, "endpoint");
        if (endpoint != ChatEndpoint && !(call.Azure && endpoint == AzureChatEndpoint))
        {
            return Error(400, $"Invalid value for 'endpoint': '{endpoint}'. This test server serves "
                + (call.Azure ? $"'{ChatEndpoint}' and '{AzureChatEndpoint}'." : $"'{ChatEndpoint}'."), "endpoint");
        }

        var window = Text(body, "completion_window");
        if (window != "24h")
        {
            return Error(400, $"Invalid value for 'completion_window': '{window}'. Supported values are: '24h'.",
                "completion_window");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var hasMetadata = body["metadata"] is JsonObject;
        if (body["metadata"] is JsonObject given)
        {
            if (given.Count > 16)
            {
                return Error(400, "Invalid 'metadata': too many properties. Expected at most 16.", "metadata");
            }

            foreach (var (key, value) in given)
            {
                if (key.Length > 64 || value is not JsonValue v || !v.TryGetValue<string>(out var text)
                    || text.Length > 512)
                {
                    return Error(400, $"Invalid 'metadata.{key}': keys are strings of at most 64 characters, values "
                        + "strings of at most 512.", "metadata");
                }

                metadata[key] = text;
            }
        }
        else if (body["metadata"] is not null)
        {
            return Error(400, "Invalid type for 'metadata': expected an object.", "metadata");
        }

        lock (_gate)
        {
            if (FindFile(inputFileId) is not { } file)
            {
                return Error(404, $"No such File object: {inputFileId}", "input_file_id");
            }

            if (file.Purpose != "batch")
            {
                return Error(400, $"The input file {inputFileId} must have the purpose 'batch'.", "input_file_id");
            }

            var (lines, errors, model) = ParseLines(file.Bytes, endpoint!);
            var number = _batches.Count + 1;
            var info = new TestBatchInfo(
                number, "batch_" + number, inputFileId, endpoint!, model, lines.Count, metadata);
            var outcome = Outcome(info);
            var batch = new TestBatch(info, window!, hasMetadata, lines, errors, outcome, call.Authorization,
                call.ApiKey, Now());
            _batches.Add(batch);
            return (200, batch.ToJson());
        }
    }

    private (int, JsonNode) Retrieve(string id)
    {
        lock (_gate)
        {
            if (FindBatch(id) is not { } batch)
            {
                return NoSuchBatch(id);
            }

            Advance(batch);
            return (200, batch.ToJson());
        }
    }

    private (int, JsonNode) ListBatches(IQueryCollection query)
    {
        if (!TryLimit(query, 20, 100, out var limit))
        {
            return Error(400, "Invalid 'limit': it must be between 1 and 100.", "limit");
        }

        lock (_gate)
        {
            var newestFirst = _batches.AsEnumerable().Reverse().ToList();
            return Page(newestFirst, b => b.Id, _ => false, b => b.ToJson(), query["after"].ToString(), limit);
        }
    }

    private (int, JsonNode) Cancel(string id)
    {
        lock (_gate)
        {
            if (FindBatch(id) is not { } batch)
            {
                return NoSuchBatch(id);
            }

            if (batch.Status is "validating" or "in_progress" or "finalizing")
            {
                batch.Status = "cancelling";
                batch.CancellingAt = Now();
                batch.CancelRequested = true;
            }
            else if (batch.Status is not ("cancelling" or "cancelled"))
            {
                return Error(400, $"Cannot cancel a batch with status '{batch.Status}'.", null);
            }

            return (200, batch.ToJson());
        }
    }

    /// <summary>One retrieve's worth of progress.</summary>
    private void Advance(TestBatch batch)
    {
        if (batch.Ended)
        {
            return;
        }

        batch.Retrieves++;
        var now = Now();
        var outcome = batch.Outcome;
        if (batch.CancelRequested)
        {
            batch.Status = "cancelled";
            batch.CancelledAt = now;
            Finish(batch, outcome.AnsweredIfCancelled, "batch_cancelled");
            return;
        }

        var validationErrors = batch.ValidationErrors.Count > 0 ? batch.ValidationErrors : null;
        if (validationErrors is not null || outcome.End == TestBatchEnd.Failed)
        {
            batch.Status = "failed";
            batch.FailedAt = now;
            batch.Errors = validationErrors ?? (outcome.Errors.Count > 0
                ? outcome.Errors
                : [new TestBatchError("failed", "The batch failed (scripted).")]);
            return;
        }

        batch.InProgressAt ??= now;
        var finish = Math.Max(1, RetrievesToFinish);
        if (batch.Retrieves < finish - 1)
        {
            batch.Status = "in_progress";
            return;
        }

        if (batch.Retrieves == finish - 1)
        {
            switch (outcome.End)
            {
                case TestBatchEnd.Completed:
                    batch.Status = "finalizing";
                    batch.FinalizingAt = now;
                    break;
                case TestBatchEnd.Cancelled:
                    batch.Status = "cancelling";
                    batch.CancellingAt = now;
                    break;
                default:
                    batch.Status = "in_progress";
                    break;
            }

            return;
        }

        switch (outcome.End)
        {
            case TestBatchEnd.Completed:
                batch.FinalizingAt ??= now;
                batch.Status = "completed";
                batch.CompletedAt = now;
                Finish(batch, batch.Lines.Count, null);
                break;
            case TestBatchEnd.Expired:
                batch.Status = "expired";
                batch.ExpiredAt = now;
                Finish(batch, outcome.Answered ?? batch.Lines.Count, "batch_expired");
                break;
            default:
                batch.CancellingAt ??= now;
                batch.Status = "cancelled";
                batch.CancelledAt = now;
                Finish(batch, outcome.Answered ?? batch.Lines.Count, "batch_cancelled");
                break;
        }
    }

    /// <summary>Answers the first <paramref name="answered"/> lines through the responder, marks the others with
    /// <paramref name="unansweredCode"/>, and writes the output and error files.</summary>
    private void Finish(TestBatch batch, int answered, string? unansweredCode)
    {
        var output = new List<string>();
        var errors = new List<string>();
        long input = 0;
        long generated = 0;
        for (var i = 0; i < batch.Lines.Count; i++)
        {
            var line = batch.Lines[i];
            var lineId = "batch_req_" + (++_lineNumber).ToString(CultureInfo.InvariantCulture);
            if (i >= answered)
            {
                if (unansweredCode is not null)
                {
                    errors.Add(OutputLine(lineId, line.CustomId, null, new JsonObject
                    {
                        ["code"] = unansweredCode,
                        ["message"] = unansweredCode == "batch_expired"
                            ? "This request could not be executed before the completion window expired."
                            : "This request was not executed because the batch was cancelled.",
                    }));
                }

                continue;
            }

            var request = new RecordedRequest(_server.NextRequestNumber(), line.Url, line.Body, batch.Authorization);
            batch.AddRequest(request);
            var reply = _server.Responder(request);
            var requestId = "req_" + request.Number.ToString("x8", CultureInfo.InvariantCulture);
            if (reply.Kind == ReplyKind.Answer)
            {
                reply.BeforeReply?.Invoke();
                var completion = JsonNode.Parse(
                    OpenAiTestServer.Completion(reply.Body!, reply.FinishReason, request.Number, reply.CachedTokens))!;
                input += completion["usage"]!["prompt_tokens"]!.GetValue<long>();
                generated += completion["usage"]!["completion_tokens"]!.GetValue<long>();
                output.Add(OutputLine(lineId, line.CustomId, Response(200, requestId, completion), null));
                reply.OnDelivered?.Invoke();
                continue;
            }

            var status = reply.Kind == ReplyKind.Status ? reply.StatusCode : 500;
            var errorBody = reply.Kind == ReplyKind.Status && TryParse(reply.Body) is { } given
                ? given
                : ErrorBody(status);
            errors.Add(OutputLine(lineId, line.CustomId, Response(status, requestId, errorBody), null));
        }

        if (ReverseOutputOrder)
        {
            output.Reverse();
            errors.Reverse();
        }

        batch.CompletedCount = output.Count;
        batch.FailedCount = errors.Count;
        batch.Tokens = (input, generated);
        if (output.Count > 0)
        {
            batch.OutputFileId = AddFile(batch.Id + "_output.jsonl", "batch_output", Jsonl(output), null).Id;
        }

        if (errors.Count > 0)
        {
            batch.ErrorFileId = AddFile(batch.Id + "_error.jsonl", "batch_output", Jsonl(errors), null).Id;
        }
    }

    private static JsonObject Response(int status, string requestId, JsonNode body) => new()
    {
        ["status_code"] = status,
        ["request_id"] = requestId,
        ["body"] = body,
    };

    private static string OutputLine(string id, string customId, JsonObject? response, JsonObject? error) =>
        new JsonObject
        {
            ["id"] = id,
            ["custom_id"] = customId,
            ["response"] = response,
            ["error"] = error,
        }.ToJsonString();

    private static byte[] Jsonl(IEnumerable<string> lines) =>
        Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));

    /// <summary>Validates the input file as the API does: JSON lines with a unique <c>custom_id</c>, <c>method</c>
    /// <c>POST</c>, <c>url</c> equal to the endpoint and one <c>body.model</c>.</summary>
    private static (List<TestBatchLine> Lines, List<TestBatchError> Errors, string? Model) ParseLines(
        byte[] bytes, string endpoint)
    {
        var lines = new List<TestBatchLine>();
        var errors = new List<TestBatchError>();
        string? model = null;
        var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
        var rows = text.Split('\n').Select(r => r.TrimEnd('\r')).ToList();
        if (rows.Count > 0 && rows[^1].Length == 0)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        if (rows.Count == 0)
        {
            errors.Add(new TestBatchError("empty_file", "The batch input file is empty."));
            return (lines, errors, model);
        }

        if (rows.Count > MaxLines)
        {
            errors.Add(new TestBatchError("too_many_tasks",
                $"The batch input file has {rows.Count} requests; the limit is {MaxLines}."));
            return (lines, errors, model);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var number = i + 1;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(rows[i]);
            }
            catch (JsonException)
            {
                errors.Add(new TestBatchError("invalid_json_line", "This line is not parseable as valid JSON.", null,
                    number));
                continue;
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new TestBatchError("invalid_json_line", "This line is not a JSON object.", null,
                        number));
                    continue;
                }

                var customId = String(root, "custom_id");
                var method = String(root, "method");
                var url = String(root, "url");
                var hasBody = root.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object;
                var lineModel = hasBody ? String(body, "model") : null;
                var before = errors.Count;
                if (string.IsNullOrEmpty(customId))
                {
                    errors.Add(new TestBatchError("missing_required_parameter",
                        "Missing required parameter: 'custom_id'.", "custom_id", number));
                }
                else if (!ids.Add(customId))
                {
                    errors.Add(new TestBatchError("duplicate_custom_id",
                        "The custom_id for this request is a duplicate of another request. The custom_id parameter "
                        + "must be unique for each request in a batch.", "custom_id", number));
                }

                if (method != "POST")
                {
                    errors.Add(new TestBatchError("invalid_method",
                        $"Invalid value for 'method': '{method}'. Only 'POST' is supported.", "method", number));
                }

                if (url != endpoint)
                {
                    errors.Add(new TestBatchError("url_mismatch",
                        $"The URL '{url}' of this request does not match the batch's endpoint '{endpoint}'.", "url",
                        number));
                }

                if (!hasBody)
                {
                    errors.Add(new TestBatchError("missing_required_parameter",
                        "Missing required parameter: 'body'.", "body", number));
                }
                else if (lineModel is null)
                {
                    errors.Add(new TestBatchError("missing_required_parameter",
                        "Missing required parameter: 'body.model'.", "body.model", number));
                }
                else if (model is not null && lineModel != model)
                {
                    errors.Add(new TestBatchError("model_mismatch",
                        $"The model '{lineModel}' of this request does not match the model '{model}' of the other "
                        + "requests in the batch.", "body.model", number));
                }

                model ??= lineModel;
                if (errors.Count == before)
                {
                    lines.Add(new TestBatchLine(number, customId!, method!, url!, body.GetRawText()));
                }
            }
        }

        return (lines, errors, model);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static JsonNode? TryParse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryLimit(IQueryCollection query, int fallback, int max, out int limit)
    {
        limit = fallback;
        var given = query["limit"].ToString();
        return given.Length == 0
            || (int.TryParse(given, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max);
    }

    /// <summary>A page of a list: the items after <paramref name="after"/> (a cursor may be a deleted item),
    /// skipping hidden ones.</summary>
    private static (int, JsonNode) Page<T>(
        List<T> ordered, Func<T, string> id, Func<T, bool> hidden, Func<T, JsonObject> json, string after, int limit)
    {
        var start = 0;
        if (after.Length > 0)
        {
            var at = ordered.FindIndex(item => id(item) == after);
            if (at < 0)
            {
                return Error(400, $"Invalid 'after': no object with id '{after}'.", "after");
            }

            start = at + 1;
        }

        var visible = ordered.Skip(start).Where(item => !hidden(item)).ToList();
        var page = visible.Take(limit).ToList();
        return (200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. page.Select(item => (JsonNode)json(item))]),
            ["first_id"] = page.Count > 0 ? id(page[0]) : null,
            ["last_id"] = page.Count > 0 ? id(page[^1]) : null,
            ["has_more"] = visible.Count > page.Count,
        });
    }

    private TestFile AddFile(string filename, string purpose, byte[] bytes, long? expiresAt)
    {
        var number = ++_fileNumber;
        var file = new TestFile("file-" + number.ToString(CultureInfo.InvariantCulture), filename, purpose, bytes,
            Now(), expiresAt, number);
        _files.Add(file);
        return file;
    }

    private TestFile? FindFile(string id) =>
        _deleted.Contains(id) ? null : _files.FirstOrDefault(f => f.Id == id);

    private TestBatch? FindBatch(string id) => _batches.FirstOrDefault(b => b.Id == id);

    private long Now() => Time.GetUtcNow().ToUnixTimeSeconds();

    private static JsonObject FileJson(TestFile file) => new()
    {
        ["id"] = file.Id,
        ["object"] = "file",
        ["bytes"] = file.Bytes.Length,
        ["created_at"] = file.CreatedAt,
        ["expires_at"] = file.ExpiresAt,
        ["filename"] = file.Filename,
        ["purpose"] = file.Purpose,
        ["status"] = "processed",
        ["status_details"] = null,
    };

    private static (int, JsonNode) NoSuchFile(string id) => Error(404, $"No such File object: {id}", "id");

    private static (int, JsonNode) NoSuchBatch(string id) =>
        Error(404, $"No batch found with id '{id}'.", null);

    private static (int, JsonNode) Error(int status, string message, string? param) =>
        (status, ErrorBody(status, message, param));

    /// <summary>An OpenAI error body for <paramref name="status"/>.</summary>
    internal static JsonObject ErrorBody(int status, string? message = null, string? param = null)
    {
        var (type, code, text) = status switch
        {
            429 => ("requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again later."),
            401 => ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
            404 => ("invalid_request_error", (string?)null, "Not found."),
            < 500 => ("invalid_request_error", null, "Invalid request."),
            _ => ("server_error", null, "The server had an error while processing your request."),
        };
        return new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message ?? text,
                ["type"] = type,
                ["param"] = param,
                ["code"] = code,
            },
        };
    }
}

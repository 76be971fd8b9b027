using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Stance.Tests.Support;

/// <summary>An OpenAI-compatible chat completions server on 127.0.0.1 that tests script: each request gets the reply
/// the <see cref="Responder"/> returns, which may be an answer, an HTTP error, a broken body or a dropped
/// connection.</summary>
internal sealed class OpenAiTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private OpenAiTestServer(WebApplication app)
    {
        _app = app;
        Batch = new TestBatchApi(this);
    }

    /// <summary>The base URL to give as <c>--endpoint</c> (ends in <c>/v1</c>).</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>The server's root URL.</summary>
    public string Root { get; private set; } = string.Empty;

    /// <summary>Decides the reply to each request; the default answers with <see cref="Answer"/>.</summary>
    public Func<RecordedRequest, Reply> Responder { get; set; } = request => Reply.Answer(request.DefaultAnswer());

    /// <summary>Every request received, in arrival order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The Files and Batches API served by the same server (<c>/v1/files</c>, <c>/v1/batches</c> and
    /// Azure's <c>/openai/v1/...</c>); batch lines are answered through <see cref="Responder"/> but are not added to
    /// <see cref="Requests"/>.</summary>
    public TestBatchApi Batch { get; }

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<OpenAiTestServer> StartAsync()
    {
        var app = LoopbackServer.Create();
        var server = new OpenAiTestServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        app.MapPost("/openai/v1/chat/completions", server.HandleAsync);
        server.Batch.Map(app);
        await app.StartAsync();
        server.Root = app.Urls.First();
        server.Endpoint = server.Root + "/v1";
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var request = new RecordedRequest(NextRequestNumber(), context.Request.Path, body,
            context.Request.Headers.Authorization.ToString());
        Requests.Enqueue(request);
        var reply = Responder(request);
        if (reply.Hold is { } hold)
        {
            await hold.WaitAsync(context.RequestAborted);
        }

        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, context.RequestAborted);
        }

        switch (reply.Kind)
        {
            case ReplyKind.Drop:
                context.Abort();
                return;
            case ReplyKind.Status:
                context.Response.StatusCode = reply.StatusCode;
                foreach (var (name, value) in reply.Headers)
                {
                    context.Response.Headers[name] = value;
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(
                    reply.Body ?? "{\"error\":{\"message\":\"test error\",\"type\":\"server_error\"}}");
                return;
            case ReplyKind.MalformedBody:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(
                    "{\"id\":\"chatcmpl-broken\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"mess");
                return;
            default:
                foreach (var (name, value) in reply.Headers)
                {
                    context.Response.Headers[name] = value;
                }

                context.Response.ContentType = "application/json";
                reply.BeforeReply?.Invoke();
                await context.Response.WriteAsync(
                    Completion(
                        reply.Body!,
                        reply.FinishReason,
                        request.Number,
                        reply.CachedTokens,
                        request.Json["logprobs"]?.GetValue<bool>() == true ? reply.LabelProbabilities : null),
                    context.RequestAborted);
                await context.Response.CompleteAsync();
                reply.OnDelivered?.Invoke();
                return;
        }
    }

    /// <summary>The number of the next request (sync or batch line), from one counter.</summary>
    internal int NextRequestNumber() => Interlocked.Increment(ref _count);

    /// <summary>The chat.completion JSON the server answers with (also a batch output line's body): usage 120 prompt
    /// and 45 completion tokens, with <c>prompt_tokens_details.cached_tokens</c> only when
    /// <paramref name="cachedTokens"/> is given.</summary>
    internal static string Completion(
        string content,
        string finishReason,
        int number,
        int? cachedTokens = null,
        IReadOnlyList<double>? labelProbabilities = null)
    {
        var completion = new JsonObject
        {
            ["id"] = $"chatcmpl-{number}",
            ["object"] = "chat.completion",
            ["created"] = 1_764_000_000,
            ["model"] = "test-model",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                ["finish_reason"] = finishReason,
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 120, ["completion_tokens"] = 45, ["total_tokens"] = 165 },
        };
        if (cachedTokens is { } cached)
        {
            completion["usage"]!["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached };
        }

        if (labelProbabilities is not null)
        {
            completion["choices"]![0]!["logprobs"] = TestLogprobs.For(content, labelProbabilities);
        }

        return completion.ToJsonString();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>One request as the server saw it.</summary>
internal sealed record RecordedRequest(int Number, string Path, string Body, string Authorization)
{
    private JsonNode? _json;

    /// <summary>The parsed request body.</summary>
    public JsonNode Json => _json ??= JsonNode.Parse(Body)!;

    /// <summary>The content of the last message with the given role (for <c>user</c>, the paragraph's own message,
    /// after the prompt's few-shot examples).</summary>
    public string Message(string role) =>
        Json["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == role)!["content"] switch
        {
            JsonValue value => value.GetValue<string>(),
            JsonArray parts => string.Concat(parts.Select(p => p!["text"]?.GetValue<string>())),
            var other => other!.ToJsonString(),
        };

    /// <summary>The paragraph text between the prompt's <c>&lt;paragraph&gt;</c> tags.</summary>
    public string Paragraph
    {
        get
        {
            var user = Message("user");
            var start = user.IndexOf("<paragraph>", StringComparison.Ordinal) + "<paragraph>".Length;
            var end = user.LastIndexOf("</paragraph>", StringComparison.Ordinal);
            return user[start..end];
        }
    }

    /// <summary>A schema-valid answer for this request's paragraph, from the lexicon baseline (so evidence is
    /// verbatim).</summary>
    public string DefaultAnswer() => TestAnswers.For(Paragraph);
}

/// <summary>What the server does with one request.</summary>
internal sealed record Reply(ReplyKind Kind, int StatusCode = 200, string? Body = null, string FinishReason = "stop")
{
    /// <summary>Headers sent with a status reply.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Wait for this task before replying (a gate the test opens).</summary>
    public Task? Hold { get; init; }

    /// <summary>When the request asks for <c>logprobs</c>: the probability each <c>stance_label</c> value gets, in
    /// the answer's order (the last repeats); the tokens are then sent as <c>logprobs.content</c>.</summary>
    public IReadOnlyList<double> LabelProbabilities { get; init; } = [0.9];

    /// <summary>Wait this long before replying.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The <c>usage.prompt_tokens_details.cached_tokens</c> an answer reports; none when null (the
    /// default).</summary>
    public int? CachedTokens { get; init; }

    /// <summary>Called just before the answer is written (so before the client can have it).</summary>
    public Action? BeforeReply { get; init; }

    /// <summary>Called once the answer has been written completely (not when the client gave up first).</summary>
    public Action? OnDelivered { get; init; }

    /// <summary>A 200 completion whose message content is <paramref name="content"/>.</summary>
    public static Reply Answer(string content, string finishReason = "stop") =>
        new(ReplyKind.Answer, 200, content, finishReason);

    /// <summary>An HTTP error status with optional headers.</summary>
    public static Reply Status(int status, params (string Name, string Value)[] headers) =>
        new(ReplyKind.Status, status) { Headers = headers.ToDictionary(h => h.Name, h => h.Value) };

    /// <summary>A 200 whose body is cut off mid-JSON.</summary>
    public static Reply Malformed() => new(ReplyKind.MalformedBody);

    /// <summary>The connection is aborted without a response.</summary>
    public static Reply Drop() => new(ReplyKind.Drop);
}

/// <summary>The kinds of reply.</summary>
internal enum ReplyKind
{
    Answer,
    Status,
    MalformedBody,
    Drop,
}

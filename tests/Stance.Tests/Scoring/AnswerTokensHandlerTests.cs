using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Stance.Scoring.Llm;

namespace Stance.Tests.Scoring;

/// <summary>The handler that takes an answer's token log-probabilities out of the response before the SDK reads it:
/// only for a call made under <see cref="AnswerTokensHandler.Capture"/>, only from a success, and a response it
/// fails to read is released.</summary>
public sealed class AnswerTokensHandlerTests
{
    private static readonly string s_completion = new JsonObject
    {
        ["id"] = "c",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "ab" },
            ["logprobs"] = new JsonObject
            {
                ["content"] = new JsonArray(
                    new JsonObject { ["token"] = "a", ["logprob"] = -0.5, ["bytes"] = new JsonArray(97) },
                    new JsonObject { ["token"] = "b", ["logprob"] = -0.25, ["bytes"] = new JsonArray(98) }),
            },
            ["finish_reason"] = "stop",
        }),
    }.ToJsonString();

    [Fact]
    public async Task UnderCaptureTheSdkGetsTheBodyWithoutLogprobsAndItsOwnLengthAndTheSlotGetsTheTokens()
    {
        using var client = Client(_ => Response(HttpStatusCode.OK, s_completion));

        var (slot, response) = await SendCapturedAsync(client);

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Null(JsonNode.Parse(body)!["choices"]![0]!["logprobs"]);
        Assert.Equal("ab", JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal([1, 2], slot.Tokens!.Ends);
        Assert.Equal([-0.5, -0.25], slot.Tokens.Logprobs);
    }

    [Fact]
    public async Task WithoutCaptureTheResponseIsTheServersOwn()
    {
        HttpResponseMessage? sent = null;
        using var client = Client(_ => sent = Response(HttpStatusCode.OK, s_completion));

        using var response = await client.GetAsync("http://test/v1");

        Assert.Same(sent!.Content, response.Content);
        Assert.Equal(s_completion, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFailureStatusPassesAsItCameAndLeavesTheSlotEmpty()
    {
        var error = s_completion.Replace("\"c\"", "\"error\"", StringComparison.Ordinal);
        using var client = Client(_ => Response(HttpStatusCode.InternalServerError, error));

        var (slot, response) = await SendCapturedAsync(client);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(error, await response.Content.ReadAsStringAsync());
        Assert.Null(slot.Tokens);
    }

    [Fact]
    public async Task AResponseWhoseBodyFailsMidwayIsDisposedAndTheFailureReachesTheCaller()
    {
        var content = new FailingContent();
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        using var client = Client(_ => response);

        var failure = await Assert.ThrowsAsync<IOException>(() => SendCapturedAsync(client));

        Assert.Equal("connection reset", failure.Message);
        Assert.True(content.Disposed);
    }

    private static async Task<(AnswerTokensHandler.Slot Slot, HttpResponseMessage Response)> SendCapturedAsync(
        HttpClient client)
    {
        // As the scorer's attempt does: the slot set in the flow that makes the call.
        var slot = AnswerTokensHandler.Capture();
        var response = await client.GetAsync("http://test/v1");
        return (slot, response);
    }

    private static HttpClient Client(Func<HttpRequestMessage, HttpResponseMessage> respond) =>
        new(new AnswerTokensHandler { InnerHandler = new Responder(respond) });

    private static HttpResponseMessage Response(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed class Responder(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request,
            CancellationToken cancellationToken) => Task.FromResult(respond(request));
    }

    /// <summary>A body that gives its first bytes, then fails as a dropped connection does.</summary>
    private sealed class FailingContent : HttpContent
    {
        public bool Disposed { get; private set; }

        protected override Task<Stream> CreateContentReadStreamAsync() =>
            Task.FromResult<Stream>(new FailingStream());

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            throw new IOException("connection reset");

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private sealed class FailingStream : MemoryStream
    {
        private int _reads;

        public FailingStream()
            : base("{\"id\":"u8.ToArray())
        {
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _reads++ == 0 ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("connection reset");
    }
}

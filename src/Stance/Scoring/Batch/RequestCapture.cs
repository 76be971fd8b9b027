using System.Net;
using System.Text;

namespace Stance.Scoring.Batch;

/// <summary>An HTTP handler that answers every request with a fixed chat completion and keeps the request's body:
/// the chat service built over it lets the batch path capture the exact body the synchronous path would send,
/// without a call.</summary>
internal sealed class RequestCapture : HttpMessageHandler
{
    private const string Completion = """
        {"id":"capture","object":"chat.completion","created":0,"model":"capture","choices":[{"index":0,
        "message":{"role":"assistant","content":"{}"},"finish_reason":"stop"}],
        "usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}
        """;

    private readonly Lock _lock = new();
    private string? _body;

    /// <summary>The key of the chat service that sends through this handler.</summary>
    public const string ServiceKey = "stance-batch-capture";

    /// <summary>The body of the last request captured.</summary>
    public string LastBody
    {
        get
        {
            lock (_lock)
            {
                return _body ?? throw new InvalidOperationException("no request was captured");
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        var body = request.Content is null
            ? string.Empty
            : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _body = body;
        }

        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(Completion, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
    }
}

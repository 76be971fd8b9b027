using System.Net;
using Microsoft.SemanticKernel;
using Stance.Contract;
using Stance.Scoring.Llm;

namespace Stance.Tests.Scoring;

/// <summary>How each server's way of saying "your prompt does not fit" is classified: the paragraph's problem, never
/// retried, never counted as the provider being down. The bodies are the servers' own wording.</summary>
public sealed class ProviderFaultsTests
{
    public static TheoryData<string, int, string> ContextOverflows => new()
    {
        {
            "OpenAI", 400,
            "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. "
                + "However, your messages resulted in "
                + "131072 tokens. Please reduce the length of the messages.\",\"type\":\"invalid_request_error\","
                + "\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}"
        },
        {
            "llama.cpp, KV cache full (500)", 500,
            "{\"error\":{\"code\":500,"
                + "\"message\":\"Input prompt is too big compared to KV size. Please try increasing KV size.\","
                + "\"type\":\"server_error\"}}"
        },
        {
            "llama.cpp, non-causal input (500)", 500,
            "{\"error\":{\"code\":500,\"message\":\"input is larger than the max context size. skipping\","
                + "\"type\":\"server_error\"}}"
        },
        {
            "llama.cpp, context shift disabled (400)", 400,
            "{\"error\":{\"code\":400,"
                + "\"message\":\"the request exceeds the available context size. try increasing the context "
                + "size or enable context shift\",\"type\":\"invalid_request_error\"}}"
        },
        {
            "llama.cpp, exceed_context_size_error (400)", 400,
            "{\"error\":{\"code\":400,"
                + "\"message\":\"request (9412 tokens) exceeds the available context size (8192 tokens), try "
                + "increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":9412,\"n_ctx\":8192}}"
        },
        {
            "vLLM, OpenAI server (400)", 400,
            "{\"object\":\"error\","
                + "\"message\":\"This model's maximum context length is 4096 tokens. However, you requested 5296 "
                + "tokens (4096 in the messages, 1200 in the completion). Please reduce the length of the messages or "
                + "completion.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"
        },
        {
            "vLLM, engine (400)", 400,
            "{\"object\":\"error\","
                + "\"message\":\"The decoder prompt (length 8825) is longer than the maximum model length of 8192. "
                + "Make sure that `max_model_len` is no smaller than the number of text tokens.\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"
        },
    };

    [Theory]
    [MemberData(nameof(ContextOverflows))]
    public void APromptThatDoesNotFitIsContextTooLongAndNeitherRetriedNorAServerFault(
        string dialect, int status, string body)
    {
        var error = new HttpOperationException((HttpStatusCode)status, body, "Service request failed.", null);

        var fault = ProviderFaults.Classify(error);

        Assert.True(fault.Kind == FailureKind.ContextTooLong, $"{dialect}: {fault.Kind}");
        Assert.False(fault.AbortsRun);
        Assert.Contains("does not fit the model's context", fault.Message);
        Assert.False(ProviderFaults.IsTransient(error), dialect);
        Assert.False(ProviderFaults.IsServerFault(error), dialect);
    }

    [Theory]
    [InlineData(
        500,
        "{\"error\":{\"message\":\"The server had an error while processing your request.\","
            + "\"type\":\"server_error\"}}")]
    [InlineData(503, "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}")]
    [InlineData(502, "<html><body>Bad Gateway</body></html>")]
    public void AnyOtherServerErrorStaysARetriedServerFault(int status, string body)
    {
        var error = new HttpOperationException((HttpStatusCode)status, body, "Service request failed.", null);

        Assert.Equal(FailureKind.ServerError, ProviderFaults.Classify(error).Kind);
        Assert.True(ProviderFaults.IsTransient(error));
        Assert.True(ProviderFaults.IsServerFault(error));
    }

    [Fact]
    public void ARateLimitIsRetriedButIsNoServerFault()
    {
        var error = new HttpOperationException(
            HttpStatusCode.TooManyRequests,
            "{\"error\":{\"code\":\"rate_limit_exceeded\"}}",
            "Service request failed.",
            null);

        Assert.True(ProviderFaults.IsTransient(error));
        Assert.False(ProviderFaults.IsServerFault(error));
    }

    [Fact]
    public void TheSame500BodyThreeTimesInARowGivesUpButAnotherBodyStartsTheCountAgain()
    {
        var repeats = new RepeatedServerErrors();
        var same = new HttpOperationException(
            HttpStatusCode.InternalServerError, "{\"error\":\"template error\"}", "failed", null);
        var other = new HttpOperationException(
            HttpStatusCode.InternalServerError, "{\"error\":\"out of memory\"}", "failed", null);

        repeats.Observe(same);
        Assert.False(repeats.IsRepeat);
        repeats.Observe(same);
        Assert.True(repeats.IsRepeat);
        Assert.False(repeats.GaveUp);
        repeats.Observe(other);
        Assert.Equal(1, repeats.Count);
        repeats.Observe(other);
        repeats.Observe(other);
        Assert.True(repeats.GaveUp);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void AGatewayOrUnavailableAnswerNeverCountsAsTheRequestsProblemHoweverOftenItRepeats(int status)
    {
        var repeats = new RepeatedServerErrors();
        var error = new HttpOperationException((HttpStatusCode)status, "{\"error\":\"unavailable\"}", "failed", null);

        for (var i = 0; i < 5; i++)
        {
            repeats.Observe(error);
        }

        Assert.False(repeats.IsRepeat);
        Assert.False(repeats.GaveUp);
    }
}

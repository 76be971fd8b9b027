using System.Text;
using System.Text.Json.Nodes;
using Stance.Scoring.Llm;

namespace Stance.Tests.Scoring;

/// <summary>Taking an answer's token log-probabilities out of a chat completion's body before the SDK reads it: the
/// tokens as the label probabilities need them, and the rest of the body unchanged but for that choice's
/// <c>logprobs</c>.</summary>
public sealed class AnswerTokensTests
{
    [Fact]
    public void TheSdkGetsTheCompletionWithOnlyTheFirstChoicesLogprobsSetToNull()
    {
        // "logprobs" before "message", a content that mentions "logprobs", a second choice that keeps its own.
        var original = new JsonObject
        {
            ["id"] = "c1",
            ["object"] = "chat.completion",
            ["choices"] = new JsonArray(
                new JsonObject
                {
                    ["index"] = 0,
                    ["logprobs"] = Logprobs(("{\"a", -0.25, [123, 34, 97]), ("\":1}", -0.5, null)),
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "{\"logprobs\":1}" },
                    ["finish_reason"] = "stop",
                },
                new JsonObject { ["index"] = 1, ["logprobs"] = Logprobs(("x", -1.0, null)) }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 12, ["completion_tokens"] = 2 },
        };

        var (tokens, rest) = AnswerTokens.Split(Encoding.UTF8.GetBytes(original.ToJsonString()))!.Value;

        Assert.Equal([3, 7], tokens!.Ends);
        Assert.Equal([-0.25, -0.5], tokens.Logprobs);
        var expected = original.DeepClone();
        expected["choices"]![0]!["logprobs"] = null;
        Assert.True(
            JsonNode.DeepEquals(expected, JsonNode.Parse(rest)),
            $"expected {expected.ToJsonString()}\nbut the SDK would get {Encoding.UTF8.GetString(rest)}");
    }

    [Fact]
    public void ATokenWithoutBytesCountsTheUtf8BytesOfItsUnescapedText()
    {
        // "ü\"" is written escaped in the JSON (\u00FC\u0022): 2 + 1 bytes once read.
        var body = Completion(Logprobs(("ü\"", -0.1, null), ("ab", -0.2, [])));

        var (tokens, _) = AnswerTokens.Split(body)!.Value;

        Assert.Contains("\\u00FC\\u0022", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        Assert.Equal([3, 5], tokens!.Ends);
    }

    [Fact]
    public void ALongAnswerKeepsEveryTokenInOrder()
    {
        var many = Enumerable.Range(0, 1000).Select(i => ($"t{i}", -i / 1000.0, (int[]?)null)).ToArray();

        var (tokens, _) = AnswerTokens.Split(Completion(Logprobs(many)))!.Value;

        var end = 0;
        Assert.Equal(many.Select(t => end += t.Item1.Length), tokens!.Ends);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => -i / 1000.0), tokens.Logprobs);
    }

    [Fact]
    public void ALongEscapedTokenIsMeasuredUnescaped()
    {
        // 150 "é" written as \u00E9 (900 bytes escaped, 300 once read): longer than the stack space for a token.
        var body = Completion(Logprobs((new string('é', 150), -0.1, null)));

        var (tokens, _) = AnswerTokens.Split(body)!.Value;

        Assert.Equal([300], tokens!.Ends);
    }

    [Fact]
    public void ATokenCutInsideACharacterIsMeasuredByItsBytes()
    {
        // The first half of an emoji: its text is a lone surrogate, which no string can hold; its bytes say 2.
        var body = Encoding.UTF8.GetBytes(
            "{\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[" +
            "{\"token\":\"\\ud83d\",\"logprob\":-0.1,\"bytes\":[240,159]}," +
            "{\"token\":\"x\",\"logprob\":-0.2,\"bytes\":null}]}}]}");

        var (tokens, _) = AnswerTokens.Split(body)!.Value;

        Assert.Equal([2, 3], tokens!.Ends);
    }

    [Fact]
    public void LogprobsWithoutContentAreTakenOutAndGiveNoTokens()
    {
        var body = Completion(new JsonObject { ["content"] = null, ["refusal"] = null });

        var (tokens, rest) = AnswerTokens.Split(body)!.Value;

        Assert.Null(tokens);
        Assert.Null(JsonNode.Parse(rest)!["choices"]![0]!["logprobs"]);
        Assert.Equal("stop", JsonNode.Parse(rest)!["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"id":"c","choices":[{"index":0,"message":{"content":"x"},"logprobs":null}]}""")]
    [InlineData("""{"id":"c","choices":[{"index":0,"message":{"content":"x"}}]}""")]
    [InlineData("""{"id":"c","choices":[]}""")]
    [InlineData("""{"error":{"message":"no"}}""")]
    [InlineData("""{"id":"c","choices":[{"index":0,"logprobs":{"content":[{"token":"a","logprob":""")]
    [InlineData("<html>Bad gateway</html>")]
    [InlineData("")]
    public void ABodyWithoutAFirstChoiceLogprobsObjectIsLeftAsItCame(string body) =>
        Assert.Null(AnswerTokens.Split(Encoding.UTF8.GetBytes(body)));

    private static byte[] Completion(JsonObject logprobs) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "x" },
                ["logprobs"] = logprobs,
                ["finish_reason"] = "stop",
            }),
        }.ToJsonString());

    private static JsonObject Logprobs(params (string Token, double Logprob, int[]? Bytes)[] tokens) =>
        new()
        {
            ["content"] = new JsonArray([
                .. tokens.Select(t => (JsonNode)new JsonObject
                {
                    ["token"] = t.Token,
                    ["logprob"] = t.Logprob,
                    ["bytes"] = t.Bytes is null ? null : new JsonArray([.. t.Bytes.Select(b => (JsonNode)b)]),
                    ["top_logprobs"] = new JsonArray(new JsonObject { ["token"] = "z", ["logprob"] = -9.0 }),
                }),
            ]),
            ["refusal"] = null,
        };
}

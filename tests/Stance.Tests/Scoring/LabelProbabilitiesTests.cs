using System.Text;
using System.Text.Json.Nodes;
using Stance.Scoring.Llm;

namespace Stance.Tests.Scoring;

/// <summary>Reading each stance label's probability from tokens as a tokenizer cuts them: by their UTF-8 bytes, so a
/// token holding half of a multi-byte character does not shift the labels after it.</summary>
public sealed class LabelProbabilitiesTests
{
    private const string Content =
        "{\"stance_label\":\"against\",\"targets\":[{\"target\":\"Zürich\",\"stance_label\":\"favor\"},"
        + "{\"target\":\"Ελλάδα\",\"stance_label\":\"neutral\"}]}";

    [Fact]
    public void TokensThatSplitMultiByteCharactersStillMapEachLabelToItsOwnTokens()
    {
        // Byte chunks of 3 cut "ü" (2 bytes) and the Greek letters (2 bytes each) across tokens; a token's text is
        // then not valid UTF-8 on its own, as a byte-level tokenizer returns it, and only its bytes count.
        var bytes = Encoding.UTF8.GetBytes(Content);
        var spans = new[] { Span("against"), Span("favor"), Span("neutral") };
        double[] probabilities = [0.7, 0.4, 0.9];
        var tokens = new JsonArray();
        for (var i = 0; i < bytes.Length; i += 3)
        {
            var (start, end) = (i, Math.Min(bytes.Length, i + 3));
            var logprob = 0.0;
            for (var l = 0; l < spans.Length; l++)
            {
                var overlapping = Enumerable.Range(0, (bytes.Length + 2) / 3)
                    .Count(t => (t * 3) + 3 > spans[l].From && t * 3 < spans[l].To);
                if (end > spans[l].From && start < spans[l].To)
                {
                    logprob += Math.Log(probabilities[l]) / overlapping;
                }
            }

            var chunk = bytes[start..end];
            tokens.Add(new JsonObject
            {
                // As OpenAI writes a token that is not whole UTF-8: its text lossy, its bytes exact.
                ["token"] = Encoding.UTF8.GetString(chunk),
                ["logprob"] = logprob,
                ["bytes"] = new JsonArray([.. chunk.Select(b => (JsonNode)(int)b)]),
                ["top_logprobs"] = new JsonArray(),
            });
        }

        var (read, _) = AnswerTokens.Split(Completion(tokens))!.Value;
        var labels = LabelProbabilities.Read(Content, read!)!;

        Assert.Equal(0.7, labels.Main!.Value, 12);
        Assert.Equal(["Zürich", "Ελλάδα"], labels.Targets.Select(t => t.Target));
        Assert.Equal(0.4, labels.Targets[0].Probability, 12);
        Assert.Equal(0.9, labels.Targets[1].Probability, 12);
    }

    [Fact]
    public void TokensThatDoNotSpellTheContentGiveNoProbabilities()
    {
        var tokens = new JsonArray(new JsonObject { ["token"] = "{\"a\":1}", ["logprob"] = -0.1 });
        var (read, _) = AnswerTokens.Split(Completion(tokens))!.Value;

        Assert.Null(LabelProbabilities.Read(Content, read!));
    }

    /// <summary>A chat completion's body whose first choice has <paramref name="tokens"/> as its
    /// <c>logprobs.content</c>.</summary>
    internal static byte[] Completion(JsonArray tokens) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["id"] = "c",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = Content },
                ["logprobs"] = new JsonObject { ["content"] = tokens, ["refusal"] = null },
                ["finish_reason"] = "stop",
            }),
        }.ToJsonString());

    private static (int From, int To) Span(string label)
    {
        var bytes = Encoding.UTF8.GetBytes(Content);
        var needle = Encoding.UTF8.GetBytes($"\"{label}\"");
        var at = bytes.AsSpan().IndexOf(needle) + 1;
        return (at, at + needle.Length - 2);
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace Stance.Tests.Support;

/// <summary>The <c>logprobs</c> object of a completion for a test answer: the content cut into tokens of three
/// characters (so a token may hold a label's quote and its first letters), every token certain (log-probability 0)
/// except those overlapping a <c>stance_label</c> value, which share the log of that label's probability.</summary>
internal static class TestLogprobs
{
    /// <summary>The logprobs for <paramref name="content"/>, label i getting probability
    /// <paramref name="probabilities"/>[i] (the last repeats).</summary>
    public static JsonObject For(string content, IReadOnlyList<double> probabilities)
    {
        var labels = LabelSpans(content);
        var tokens = new List<(int Start, int End)>();
        for (var i = 0; i < content.Length; i += 3)
        {
            tokens.Add((i, Math.Min(content.Length, i + 3)));
        }

        var logprobs = new double[tokens.Count];
        for (var l = 0; l < labels.Count; l++)
        {
            var (from, to) = labels[l];
            var overlapping = Enumerable.Range(0, tokens.Count)
                .Where(i => tokens[i].End > from && tokens[i].Start < to)
                .ToList();
            var share = Math.Log(probabilities[Math.Min(l, probabilities.Count - 1)]) / overlapping.Count;
            foreach (var i in overlapping)
            {
                logprobs[i] += share;
            }
        }

        var array = new JsonArray();
        for (var i = 0; i < tokens.Count; i++)
        {
            var text = content[tokens[i].Start..tokens[i].End];
            array.Add(new JsonObject
            {
                ["token"] = text,
                ["logprob"] = logprobs[i],
                ["bytes"] = new JsonArray([.. Encoding.UTF8.GetBytes(text).Select(b => (JsonNode)(int)b)]),
                ["top_logprobs"] = new JsonArray(),
            });
        }

        return new JsonObject { ["content"] = array, ["refusal"] = null };
    }

    /// <summary>The character spans of the <c>stance_label</c> values, in answer order (the content is plain JSON with
    /// no escapes in labels).</summary>
    private static List<(int From, int To)> LabelSpans(string content)
    {
        var spans = new List<(int, int)>();
        var key = "\"stance_label\"";
        for (var at = content.IndexOf(key, StringComparison.Ordinal); at >= 0;
            at = content.IndexOf(key, at + key.Length, StringComparison.Ordinal))
        {
            var open = content.IndexOf('"', content.IndexOf(':', at + key.Length) + 1);
            var close = content.IndexOf('"', open + 1);
            spans.Add((open + 1, close));
        }

        return spans;
    }
}

using System.Text;
using System.Text.Json;

namespace Stance.Scoring.Llm;

/// <summary>The probability the model gave each stance label it wrote, from the answer's token log-probabilities: the
/// tokens that make up a <c>stance_label</c> value (any token overlapping its characters) are summed in log space, so
/// the figure is the probability of writing that label at that point, whatever the tokenizer split.</summary>
internal static class LabelProbabilities
{
    /// <summary>Reads the labels' probabilities from <paramref name="content"/> and its <paramref name="tokens"/>;
    /// null when the tokens do not spell the content or the content holds no JSON object.</summary>
    public static LabelTokens? Read(string content, AnswerTokens tokens)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var start = Array.IndexOf(bytes, (byte)'{');
        return tokens.Ends is not [.., var end] || end != bytes.Length || start < 0
            ? null
            : Labels(bytes, start, tokens.Ends, tokens.Logprobs);
    }

    private static LabelTokens? Labels(byte[] bytes, int start, int[] ends, double[] logprobs)
    {
        double? main = null;
        var targets = new List<(string Target, double Probability)>();
        var reader = new Utf8JsonReader(bytes.AsSpan(start));
        string? target = null;
        double? probability = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2)
                {
                    (target, probability) = (null, null);
                }
                else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 2)
                {
                    if (target is not null && probability is { } p)
                    {
                        targets.Add((target, p));
                    }
                }
                else if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    var depth = reader.CurrentDepth;
                    var label = reader.ValueTextEquals("stance_label"u8);
                    var name = reader.ValueTextEquals("target"u8);
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String || !(label || name))
                    {
                        continue;
                    }

                    if (name && depth == 3)
                    {
                        target = reader.GetString();
                    }
                    else if (label)
                    {
                        // The value's bytes, between its quotes.
                        var from = start + (int)reader.TokenStartIndex + 1;
                        var value = Probability(from, from + reader.ValueSpan.Length, ends, logprobs);
                        if (depth == 1)
                        {
                            main = value;
                        }
                        else if (depth == 3)
                        {
                            probability = value;
                        }
                    }
                }
                else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return new LabelTokens(main, targets);
    }

    /// <summary>exp of the summed log-probabilities of the tokens overlapping bytes [from, to).</summary>
    private static double Probability(int from, int to, int[] ends, double[] logprobs)
    {
        var sum = 0.0;
        for (var i = 0; i < ends.Length; i++)
        {
            var tokenStart = i == 0 ? 0 : ends[i - 1];
            if (ends[i] > from && tokenStart < to)
            {
                sum += logprobs[i];
            }
        }

        return Math.Exp(sum);
    }
}

/// <summary>The probabilities of the labels an answer wrote: the top-level stance label's and each target entry's (by
/// the target name as written), in answer order.</summary>
internal sealed record LabelTokens(double? Main, IReadOnlyList<(string Target, double Probability)> Targets);

using System.Text.Json;
using System.Text.Json.Nodes;
using Stance.Contract;
using Stance.Paragraphs;
using Stance.Prompts;

namespace Stance.Scoring;

/// <summary>Narrows the prompt's answer schema to one paragraph, for models whose output a grammar constrains (the
/// local provider). Every answer the narrowed schema allows is valid under the prompt's schema and passes the answer
/// rules, so even a weak model cannot write an answer that would be rejected: labels agree with their scores, the
/// targets are exactly the watched targets the paragraph names (plus the focus target), each in its own words, the
/// evidence is one of the paragraph's sentences that name it, and the main target is null or one of them.</summary>
internal static class ParagraphSchema
{
    /// <summary>The longest rationale a narrowed answer may hold, so the answer's token bound stays small.</summary>
    public const int RationaleMaxLength = 200;

    /// <summary>The longest evidence quote offered: the prompt asks for a short quote, so a long sentence is offered as
    /// the words around the mention.</summary>
    public const int EvidenceMaxLength = 120;

    /// <summary>The narrowed schema for <paramref name="paragraph"/>.</summary>
    public static JsonObject Narrow(JsonElement answerSchema, Paragraph paragraph, WatchedTargets targets)
    {
        var schema = JsonNode.Parse(answerSchema.GetRawText())!.AsObject();
        var properties = schema["properties"]!.AsObject();
        var item = properties["targets"]!["items"]!.AsObject();
        var itemProperties = item["properties"]!.AsObject();
        var maxItems = properties["targets"]!["maxItems"]?.GetValue<int>() ?? 12;
        var evidenceLength =
            Math.Min(EvidenceMaxLength, itemProperties["evidence"]!["maxLength"]?.GetValue<int>() ?? 300);
        var mentionLength = itemProperties["mention"]!["maxLength"]?.GetValue<int>() ?? 120;

        var sentences = Sentences.Split(paragraph.Text)
            .Select(s => paragraph.Text.Substring(s.Start, s.Length).Trim())
            .Where(s => s.Trim('"', '\'', '“', '”', '‘', '’', '«', '»').Trim().Length > 0)
            .ToList();
        if (sentences.Count == 0)
        {
            sentences.Add(paragraph.Text.Trim());
        }

        var named = targets.FindMentions(paragraph.Text)
            .GroupBy(m => m.Target)
            .Select(g => (Name: g.Key, Mentions: g.Select(m => m.Mention).Distinct().ToList()))
            .ToList();
        if (paragraph.FocusTarget is { } focus
            && targets.Canonicalize(focus).Name is var focusName
            && !named.Exists(n => n.Name == focusName))
        {
            named.Add((focusName, [focus]));
        }

        var items = new JsonArray();
        foreach (var (name, mentions) in named.Take(maxItems))
        {
            var evidence = sentences
                .SelectMany(s => mentions
                    .Where(m => s.Contains(m, StringComparison.Ordinal))
                    .Select(m => Around(s, s.IndexOf(m, StringComparison.Ordinal), m.Length, evidenceLength)))
                .Distinct()
                .ToList();
            var one = item.DeepClone().AsObject();
            var oneProperties = one["properties"]!.AsObject();
            oneProperties["target"] = Enum(name);
            oneProperties["mention"] = Enum([.. mentions.Select(m => Cut(m, mentionLength))]);
            oneProperties["evidence"] = Enum(
                [.. evidence.Count > 0 ? evidence : sentences.Select(s => Cut(s, evidenceLength)).Distinct()]);
            items.Add(LabelledVariants(one, [("stance_label", "stance_score")]));
        }

        properties["targets"] = new JsonObject
        {
            ["type"] = "array",
            ["prefixItems"] = items,
            ["items"] = false,
            ["minItems"] = items.Count,
            ["maxItems"] = items.Count,
        };
        properties["main_target"] = new JsonObject
        {
            ["enum"] = new JsonArray([null, .. named.Take(maxItems).Select(n => JsonValue.Create(n.Name))]),
        };
        if ((properties["rationale"]!["maxLength"]?.GetValue<int>() ?? int.MaxValue) > RationaleMaxLength)
        {
            properties["rationale"]!["maxLength"] = RationaleMaxLength;
        }

        return LabelledVariants(schema, [("sentiment_label", "sentiment_score"), ("stance_label", "stance_score")]);
    }

    /// <summary>An <c>anyOf</c> of copies of <paramref name="schema"/>, one per combination of the labels of the given
    /// label/score pairs, each label a constant and its score bounded to agree with it.</summary>
    private static JsonObject LabelledVariants(JsonObject schema, (string Label, string Score)[] pairs)
    {
        IEnumerable<JsonObject> variants = [schema];
        foreach (var (label, score) in pairs)
        {
            variants = variants.SelectMany(variant =>
                variant["properties"]![label]!["enum"]!.AsArray()
                    .Select(value => value!.GetValue<string>())
                    .Select(value =>
                    {
                        var copy = variant.DeepClone().AsObject();
                        var copyProperties = copy["properties"]!.AsObject();
                        copyProperties[label] = new JsonObject { ["type"] = "string", ["const"] = value };
                        var range = new JsonObject { ["type"] = "number" };
                        foreach (var (key, bound) in StanceContract.ScoreBounds(value))
                        {
                            range[key] = bound;
                        }

                        copyProperties[score] = range;
                        return copy;
                    }).ToList());
        }

        return new JsonObject { ["anyOf"] = new JsonArray([.. variants]) };
    }

    private static JsonObject Enum(params string[] values) => new()
    {
        ["type"] = "string",
        ["enum"] = new JsonArray([.. values.Select(v => JsonValue.Create(v))]),
    };

    /// <summary>The sentence when it is short enough, else the whole words around the mention at <paramref name="at"/>
    /// (a verbatim quote of at most <paramref name="length"/> characters).</summary>
    private static string Around(string sentence, int at, int mentionLength, int length)
    {
        if (sentence.Length <= length)
        {
            return sentence;
        }

        var before = Math.Max(0, Math.Min(at, (length - mentionLength) / 3));
        var start = at - before;
        var end = Math.Min(sentence.Length, start + length);
        if (start > 0 && sentence.IndexOf(' ', start, at - start) is var space and >= 0)
        {
            start = space + 1;
        }

        if (end < sentence.Length && sentence.LastIndexOf(' ', end - 1, end - (at + mentionLength)) is var last and > 0)
        {
            end = last;
        }

        return sentence[start..end].Trim();
    }

    /// <summary>The text, or its longest prefix of at most <paramref name="length"/> characters that ends at a word
    /// (still a verbatim quote).</summary>
    private static string Cut(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        var space = text.LastIndexOf(' ', length - 1);
        return (space > 0 ? text[..space] : text[..length]).TrimEnd();
    }
}

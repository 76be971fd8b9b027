using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stance.Scoring.Llm;

namespace Stance.Scoring.Batch;

/// <summary>The chat-completions request body the synchronous path sends, with a hole for each prompt variable. It is
/// made once per run from a body captured on the real path (Semantic Kernel's prompt rendering and the OpenAI SDK's
/// serialization, with a marker as each variable's value); each request line then fills the holes with the
/// paragraph's values, so a batch line carries the same body a synchronous call would, at string-copy cost.</summary>
internal sealed class RequestTemplate
{
    private static readonly JsonSerializerOptions s_relaxed = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly string[] _literals;
    private readonly ContentTemplate[] _contents;

    private RequestTemplate(string[] literals, ContentTemplate[] contents)
    {
        _literals = literals;
        _contents = contents;
    }

    /// <summary>The value to give variable <paramref name="name"/> when capturing the body: plain ASCII, so that
    /// template rendering, XML parsing and JSON escaping all leave it as it is.</summary>
    public static string Marker(string name) => ContentTemplate.Marker(name);

    /// <summary>Makes the template from a captured body in which each variable's value was its
    /// <see cref="Marker"/>.</summary>
    public static RequestTemplate FromCapturedBody(string body)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        var contents = new List<ContentTemplate>();
        foreach (var message in json["messages"]?.AsArray() ?? [])
        {
            if (message?["content"] is JsonValue value && value.TryGetValue<string>(out var content)
                && ContentTemplate.HasMarker(content))
            {
                message["content"] = ContentHole(contents.Count);
                contents.Add(ContentTemplate.Parse(content));
            }
        }

        // Re-serialized with relaxed escaping so each hole appears as its own characters.
        var text = json.ToJsonString(s_relaxed);
        var literals = new List<string>();
        var last = 0;
        for (var i = 0; i < contents.Count; i++)
        {
            var hole = JsonSerializer.Serialize(ContentHole(i), s_relaxed);
            var at = text.IndexOf(hole, last, StringComparison.Ordinal);
            literals.Add(text[last..at]);
            last = at + hole.Length;
        }

        literals.Add(text[last..]);
        return new RequestTemplate([.. literals], [.. contents]);
    }

    /// <summary>The variables the body uses.</summary>
    public IReadOnlyCollection<string> Variables =>
        _contents.SelectMany(c => c.Holes).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Appends the body with <paramref name="values"/> in its holes. Each message's content is trimmed
    /// after it is filled, as Semantic Kernel trims a rendered message.</summary>
    public void Append(StringBuilder line, IReadOnlyDictionary<string, string> values)
    {
        for (var i = 0; i < _contents.Length; i++)
        {
            line.Append(_literals[i]).Append('"');
            var content = _contents[i].Fill(values);
            line.Append(JsonEncodedText.Encode(content, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value);
            line.Append('"');
        }

        line.Append(_literals[^1]);
    }

    /// <summary>The body with <paramref name="values"/> in its holes.</summary>
    public string Body(IReadOnlyDictionary<string, string> values)
    {
        var text = new StringBuilder();
        Append(text, values);
        return text.ToString();
    }

    private static string ContentHole(int index) => $"@@stance-content-{index}-7f3a9c@@";
}

using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Stance.Scoring.Batch;

/// <summary>The chat-completions request body the synchronous path sends, with a hole for each prompt variable. It is
/// made once per run from a body captured on the real path (Semantic Kernel's prompt rendering and the OpenAI SDK's
/// serialization, with a marker as each variable's value); each request line then fills the holes with the
/// paragraph's values, so a batch line carries the same body a synchronous call would, at string-copy cost.</summary>
internal sealed partial class RequestTemplate
{
    private static readonly JsonSerializerOptions s_relaxed = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly string[] _literals;
    private readonly string[] _holes;

    private RequestTemplate(string[] literals, string[] holes)
    {
        _literals = literals;
        _holes = holes;
    }

    /// <summary>The value to give variable <paramref name="name"/> when capturing the body.</summary>
    public static string Marker(string name) => $"\uE000{name}\uE001";

    /// <summary>Makes the template from a captured body in which each variable's value was its
    /// <see cref="Marker"/>.</summary>
    public static RequestTemplate FromCapturedBody(string body)
    {
        // Re-serialized with relaxed escaping so each marker appears as its own characters.
        var text = JsonNode.Parse(body)!.ToJsonString(s_relaxed);
        var literals = new List<string>();
        var holes = new List<string>();
        var last = 0;
        foreach (Match match in MarkerPattern().Matches(text))
        {
            literals.Add(text[last..match.Index]);
            holes.Add(match.Groups[1].Value);
            last = match.Index + match.Length;
        }

        literals.Add(text[last..]);
        return new RequestTemplate([.. literals], [.. holes]);
    }

    /// <summary>The variables the body uses.</summary>
    public IReadOnlyCollection<string> Variables => _holes.Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Appends the body with <paramref name="values"/> in its holes (JSON-escaped).</summary>
    public void Append(StringBuilder line, IReadOnlyDictionary<string, string> values)
    {
        for (var i = 0; i < _holes.Length; i++)
        {
            line.Append(_literals[i]);
            var value = values.TryGetValue(_holes[i], out var v) ? v : string.Empty;
            line.Append(JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value);
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

    [GeneratedRegex("\uE000(\\w+)\uE001")]
    private static partial Regex MarkerPattern();
}

using System.Buffers;
using System.Text.RegularExpressions;

namespace Stance.Scoring.Llm;

/// <summary>One message's content as Semantic Kernel renders it with a marker as each prompt variable's value
/// (<see cref="Marker"/>): literal text with a hole where each variable's value goes.</summary>
internal sealed partial class ContentTemplate
{
    private readonly string[] _literals;
    private readonly string[] _holes;
    private readonly int _literalLength;

    private ContentTemplate(string[] literals, string[] holes)
    {
        _literals = literals;
        _holes = holes;
        _literalLength = literals.Sum(l => l.Length);
    }

    /// <summary>The variables the content uses, in order (a variable may appear more than once).</summary>
    public IReadOnlyList<string> Holes => _holes;

    /// <summary>The value to give variable <paramref name="name"/> when rendering with markers: plain ASCII, so
    /// that template rendering, XML parsing and JSON escaping all leave it as it is.</summary>
    public static string Marker(string name) => $"@@stance-variable-{name}-7f3a9c@@";

    /// <summary>True when <paramref name="content"/> holds a variable's <see cref="Marker"/>.</summary>
    public static bool HasMarker(string content) => MarkerPattern().IsMatch(content);

    /// <summary>The template of <paramref name="content"/>, a hole at each <see cref="Marker"/>.</summary>
    public static ContentTemplate Parse(string content)
    {
        var literals = new List<string>();
        var holes = new List<string>();
        var last = 0;
        foreach (Match match in MarkerPattern().Matches(content))
        {
            literals.Add(content[last..match.Index]);
            holes.Add(match.Groups[1].Value);
            last = match.Index + match.Length;
        }

        literals.Add(content[last..]);
        return new ContentTemplate([.. literals], [.. holes]);
    }

    /// <summary>The content with each variable's value from <paramref name="values"/> (empty when absent) in its
    /// holes, as it is (a value is text, never parsed for markers or markup), trimmed as Semantic Kernel trims a
    /// parsed message.</summary>
    public string Fill(IReadOnlyDictionary<string, string> values)
    {
        var length = _literalLength;
        foreach (var hole in _holes)
        {
            length += values.TryGetValue(hole, out var value) ? value.Length : 0;
        }

        // Filled in pooled space, so the message's string is the one copy (its trimmed span).
        var buffer = ArrayPool<char>.Shared.Rent(length);
        try
        {
            var at = 0;
            for (var i = 0; i < _holes.Length; i++)
            {
                _literals[i].CopyTo(buffer.AsSpan(at));
                at += _literals[i].Length;
                if (values.TryGetValue(_holes[i], out var value))
                {
                    value.CopyTo(buffer.AsSpan(at));
                    at += value.Length;
                }
            }

            _literals[^1].CopyTo(buffer.AsSpan(at));
            return new string(buffer.AsSpan(0, length).Trim());
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    [GeneratedRegex("@@stance-variable-(\\w+)-7f3a9c@@")]
    private static partial Regex MarkerPattern();
}

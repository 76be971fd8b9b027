using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Stance.Contract;

namespace Stance.Scoring.Local;

/// <summary>Converts the answer's JSON schema (the one the prompt sends to HTTP providers) into a GBNF grammar for
/// llama.cpp's constrained sampling: one contract, not two. Every string, number and array is bounded and no rule is
/// recursive, so a generation that follows the grammar always ends with valid JSON within
/// <see cref="GbnfGrammar.MaxBytes"/>.</summary>
/// <remarks>Supported: <c>type</c> (one or a list), <c>enum</c>, <c>const</c>, <c>anyOf</c>, objects (every property,
/// in schema order), arrays (<c>items</c> with <c>minItems</c>/<c>maxItems</c>, or <c>prefixItems</c>, all required),
/// strings (<c>minLength</c>/<c>maxLength</c>), numbers and integers (<c>minimum</c>, <c>maximum</c>,
/// <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>; a number with both bounds is written with two decimals, exactly
/// the values in range), booleans and null. The keywords come from <see cref="SchemaKeywords"/>, the list the answer
/// validator also reads: a schema with any other keyword (or with <c>pattern</c>, which a grammar cannot express) is
/// refused rather than guessed.</remarks>
internal static class JsonSchemaGbnf
{
    /// <summary>Characters a string may hold when the schema gives no <c>maxLength</c>.</summary>
    public const int DefaultMaxLength = 200;

    /// <summary>Items an array may hold when the schema gives no <c>maxItems</c>.</summary>
    public const int DefaultMaxItems = 8;

    /// <summary>Whitespace allowed between tokens (one space at most: a weak model would otherwise spend its budget on
    /// blank lines), and its longest length in bytes.</summary>
    private const string Ws = "ws ::= \" \"?";
    private const int WsBytes = 1;

    /// <summary>One character of a JSON string: any but quote, backslash and controls (up to 4 UTF-8 bytes), or a short
    /// escape.</summary>
    private const string Char = "char ::= [^\"\\\\\\x00-\\x1f] | \"\\\\\" [\"\\\\/bfnrt]";
    private const int CharBytes = 4;

    private static readonly JsonSerializerOptions LiteralJson =
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The grammar's text; its start rule is <c>root</c>.</summary>
    public static string Convert(JsonElement schema) => Build(schema).Text;

    /// <summary>The grammar and the longest output it allows.</summary>
    /// <exception cref="NotSupportedException">The schema uses a keyword the grammar cannot express.</exception>
    public static GbnfGrammar Build(JsonElement schema)
    {
        SchemaKeywords.ThrowIfUnsupported(schema, grammar: true);
        var builder = new Builder();
        var (root, max) = builder.Rule(schema, "root");
        var grammar = new StringBuilder().Append("root ::= ").Append(root).Append('\n');
        foreach (var rule in builder.Rules)
        {
            grammar.Append(rule).Append('\n');
        }

        grammar.Append(Ws).Append('\n').Append(Char).Append('\n');
        return new GbnfGrammar(grammar.ToString(), max);
    }

    /// <summary>A GBNF string literal for the given text.</summary>
    internal static string Literal(string text) =>
        "\"" + text
            .Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\t", "\\t", StringComparison.Ordinal) + "\"";

    private static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>Collects named rules; a rule whose body is already known reuses the first name.</summary>
    private sealed class Builder
    {
        private readonly Dictionary<string, (string Name, int Max)> _byBody = new(StringComparer.Ordinal);

        public List<string> Rules { get; } = [];

        public (string Expression, int MaxBytes) Rule(JsonElement schema, string name)
        {
            if (schema.TryGetProperty("const", out var constant))
            {
                var literal = JsonValue(constant);
                return (Literal(literal), Bytes(literal));
            }

            if (schema.TryGetProperty("enum", out var values))
            {
                var literals = values.EnumerateArray().Select(JsonValue).ToList();
                return ("(" + string.Join(" | ", literals.Select(Literal)) + ")", literals.Max(Bytes));
            }

            if (schema.TryGetProperty("anyOf", out var variants))
            {
                var named = variants.EnumerateArray().Select((v, i) => Named(v, $"{name}-{i}")).ToList();
                return ("(" + string.Join(" | ", named.Select(n => n.Expression)) + ")", named.Max(n => n.MaxBytes));
            }

            if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
            {
                var typed = type.EnumerateArray().Select(t => Typed(t.GetString()!, schema, name)).ToList();
                return ("(" + string.Join(" | ", typed.Select(t => t.Expression)) + ")", typed.Max(t => t.MaxBytes));
            }

            return Typed(type.ValueKind == JsonValueKind.String ? type.GetString()! : "object", schema, name);
        }

        private (string Expression, int MaxBytes) Typed(string type, JsonElement schema, string name) => type switch
        {
            "object" => Object(schema, name),
            "array" => Array(schema, name),
            "string" => Text(schema),
            "number" => GbnfNumbers.Number(schema, decimals: 2),
            "integer" => GbnfNumbers.Number(schema, decimals: 0),
            "boolean" => ("(\"true\" | \"false\")", 5),
            "null" => ("\"null\"", 4),
            _ => throw new NotSupportedException($"JSON schema type '{type}' has no grammar"),
        };

        private (string, int) Object(JsonElement schema, string name)
        {
            if (!schema.TryGetProperty("properties", out var properties) || !properties.EnumerateObject().Any())
            {
                return ("\"{\" ws \"}\"", 2 + WsBytes);
            }

            var parts = new List<string>();
            var max = 2 + WsBytes;
            foreach (var property in properties.EnumerateObject())
            {
                var key = JsonSerializer.Serialize(property.Name, LiteralJson);
                var value = Named(property.Value, $"{name}-{Slug(property.Name)}");
                parts.Add(
                    $"{(parts.Count == 0 ? string.Empty : "\",\" ws ")}{Literal(key)} ws " +
                    $"\":\" ws {value.Expression}");
                max += (parts.Count == 1 ? 0 : 1 + WsBytes) + Bytes(key) + 1 + (3 * WsBytes) + value.MaxBytes;
            }

            return ($"\"{{\" ws {string.Join(" ws ", parts)} ws \"}}\"", max);
        }

        private (string, int) Array(JsonElement schema, string name)
        {
            if (schema.TryGetProperty("prefixItems", out var prefix))
            {
                var items = prefix.EnumerateArray().Select((item, i) => Named(item, $"{name}-{i}")).ToList();
                return items.Count == 0
                    ? ("\"[\" ws \"]\"", 2 + WsBytes)
                    : ($"\"[\" ws {string.Join(" \",\" ws ", items.Select(i => i.Expression))} ws \"]\"",
                        2 + (2 * WsBytes) + items.Sum(i => i.MaxBytes) + ((items.Count - 1) * (1 + WsBytes)));
            }

            var max = schema.TryGetProperty("maxItems", out var m) ? m.GetInt32() : DefaultMaxItems;
            var min = Math.Min(max, schema.TryGetProperty("minItems", out var n) ? n.GetInt32() : 0);
            if (max == 0)
            {
                return ("\"[\" ws \"]\"", 2 + WsBytes);
            }

            var item = Named(schema.GetProperty("items"), $"{name}-item");
            var rest = $"(\",\" ws {item.Expression}){{{Math.Max(0, min - 1)},{max - 1}}}";
            var list = min > 0 ? $"{item.Expression} {rest}" : $"({item.Expression} {rest})?";
            return (
                $"\"[\" ws {list} ws \"]\"",
                2 + (2 * WsBytes) + (max * item.MaxBytes) + ((max - 1) * (1 + WsBytes)));
        }

        private static (string, int) Text(JsonElement schema)
        {
            var length = schema.TryGetProperty("maxLength", out var l) ? l.GetInt32() : DefaultMaxLength;
            var least = Math.Min(length, schema.TryGetProperty("minLength", out var s) ? s.GetInt32() : 0);
            return ($"\"\\\"\" char{{{least},{length}}} \"\\\"\"", 2 + (length * CharBytes));
        }

        private (string Expression, int MaxBytes) Named((string Expression, int MaxBytes) rule, string name)
        {
            if (_byBody.TryGetValue(rule.Expression, out var known))
            {
                return known;
            }

            Rules.Add($"{name} ::= {rule.Expression}");
            _byBody[rule.Expression] = (name, rule.MaxBytes);
            return (name, rule.MaxBytes);
        }

        private (string Expression, int MaxBytes) Named(JsonElement schema, string name) =>
            Named(Rule(schema, name), name);

        private static string JsonValue(JsonElement value) => value.ValueKind == JsonValueKind.String
            ? JsonSerializer.Serialize(value.GetString(), LiteralJson)
            : value.GetRawText();

        private static string Slug(string name) =>
            new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')]);
    }
}

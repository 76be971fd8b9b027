using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Stance.Scoring.Local;

/// <summary>Converts the answer's JSON schema (the one the prompt sends to HTTP providers) into a GBNF grammar for
/// llama.cpp-style constrained sampling: one contract, not two. Every string, number and array is bounded, so a
/// generation that follows the grammar always ends, inside a known number of tokens, with valid JSON.</summary>
/// <remarks>Part of the local-model provider (issue 6), which is not wired into the job yet.</remarks>
internal static class JsonSchemaGbnf
{
    /// <summary>Characters a string may hold when the schema gives no <c>maxLength</c>.</summary>
    public const int DefaultMaxLength = 200;

    /// <summary>Items an array may hold when the schema gives no <c>maxItems</c>.</summary>
    public const int DefaultMaxItems = 8;

    /// <summary>The grammar; its start rule is <c>root</c>.</summary>
    public static string Convert(JsonElement schema)
    {
        var rules = new List<string>();
        var root = Rule(schema, "root", rules);
        var grammar = new StringBuilder();
        grammar.Append("root ::= ").Append(root).Append('\n');
        foreach (var rule in rules)
        {
            grammar.Append(rule).Append('\n');
        }

        grammar.Append("ws ::= [ \\t\\n]{0,2}\n");
        grammar.Append("char ::= [^\"\\\\\\x00-\\x1f] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})\n");
        return grammar.ToString();
    }

    private static string Rule(JsonElement schema, string name, List<string> rules)
    {
        if (schema.TryGetProperty("enum", out var values))
        {
            return "(" + string.Join(" | ", values.EnumerateArray().Select(v => Literal(v.GetRawText()))) + ")";
        }

        if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
        {
            return "(" + string.Join(" | ", type.EnumerateArray().Select(t => Typed(t.GetString()!, schema, name, rules))) + ")";
        }

        return Typed(type.ValueKind == JsonValueKind.String ? type.GetString()! : "object", schema, name, rules);
    }

    private static string Typed(string type, JsonElement schema, string name, List<string> rules)
    {
        switch (type)
        {
            case "object":
                var properties = schema.GetProperty("properties").EnumerateObject().ToList();
                var parts = properties.Select((p, i) =>
                    $"{(i == 0 ? string.Empty : "\",\" ws ")}{Literal(JsonSerializer.Serialize(p.Name))} ws \":\" ws {Named(p.Value, $"{name}-{Slug(p.Name)}", rules)}");
                return $"\"{{\" ws {string.Join(" ws ", parts)} ws \"}}\"";
            case "array":
                var item = Named(schema.GetProperty("items"), $"{name}-item", rules);
                var max = schema.TryGetProperty("maxItems", out var m) ? m.GetInt32() : DefaultMaxItems;
                return max == 0
                    ? "\"[\" ws \"]\""
                    : $"\"[\" ws ({item} (\",\" ws {item}){{0,{max - 1}}})? ws \"]\"";
            case "string":
                var length = schema.TryGetProperty("maxLength", out var l) ? l.GetInt32() : DefaultMaxLength;
                return $"\"\\\"\" char{{0,{length}}} \"\\\"\"";
            case "number" or "integer":
                return Number(schema, type == "integer");
            case "boolean":
                return "(\"true\" | \"false\")";
            case "null":
                return "\"null\"";
            default:
                throw new NotSupportedException($"JSON schema type '{type}' has no grammar");
        }
    }

    /// <summary>Numbers: the unit ranges the answer uses get exact grammars ([0, 1], [-1, 1]); others a bounded form.</summary>
    private static string Number(JsonElement schema, bool integer)
    {
        double? min = schema.TryGetProperty("minimum", out var lo) ? lo.GetDouble() : null;
        double? max = schema.TryGetProperty("maximum", out var hi) ? hi.GetDouble() : null;
        const string unit = "(\"0\" (\".\" [0-9]{1,3})? | \"1\" (\".\" \"0\"{1,3})?)";
        if (!integer && max == 1 && min == 0)
        {
            return unit;
        }

        if (!integer && max == 1 && min == -1)
        {
            return $"\"-\"? {unit}";
        }

        var sign = min is >= 0 ? string.Empty : "\"-\"? ";
        return integer ? $"{sign}[0-9]{{1,9}}" : $"{sign}[0-9]{{1,9}} (\".\" [0-9]{{1,6}})?";
    }

    private static string Named(JsonElement schema, string name, List<string> rules)
    {
        rules.Add($"{name} ::= {Rule(schema, name, rules)}");
        return name;
    }

    private static string Literal(string json) =>
        "\"" + json.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Slug(string name) =>
        string.Create(CultureInfo.InvariantCulture, $"{new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')])}");
}

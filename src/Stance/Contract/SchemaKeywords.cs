using System.Collections.Frozen;
using System.Text.Json;

namespace Stance.Contract;

/// <summary>The JSON Schema keywords an answer schema may use: the one list that the prompt check
/// (<see cref="Prompts.PromptLoader"/>), the answer validator (<see cref="JsonSchemaChecker"/>) and the local grammar
/// (<see cref="Local.JsonSchemaGbnf"/>) all read. A keyword not listed here is refused, never silently
/// ignored.</summary>
internal static class SchemaKeywords
{
    /// <summary>Every supported keyword and how it is enforced.</summary>
    public static FrozenDictionary<string, KeywordSupport> All { get; } = new Dictionary<string, KeywordSupport>
    {
        ["description"] = KeywordSupport.Annotation,
        ["title"] = KeywordSupport.Annotation,
        ["$comment"] = KeywordSupport.Annotation,
        ["type"] = KeywordSupport.Everywhere,
        ["enum"] = KeywordSupport.Everywhere,
        ["const"] = KeywordSupport.Everywhere,
        ["anyOf"] = KeywordSupport.Everywhere,
        ["properties"] = KeywordSupport.Everywhere,
        ["required"] = KeywordSupport.Everywhere,
        ["additionalProperties"] = KeywordSupport.Everywhere,
        ["items"] = KeywordSupport.Everywhere,
        ["prefixItems"] = KeywordSupport.Everywhere,
        ["minItems"] = KeywordSupport.Everywhere,
        ["maxItems"] = KeywordSupport.Everywhere,
        ["minLength"] = KeywordSupport.Everywhere,
        ["maxLength"] = KeywordSupport.Everywhere,
        ["minimum"] = KeywordSupport.Everywhere,
        ["maximum"] = KeywordSupport.Everywhere,
        ["exclusiveMinimum"] = KeywordSupport.Everywhere,
        ["exclusiveMaximum"] = KeywordSupport.Everywhere,
        ["pattern"] = KeywordSupport.ValidatorOnly,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The values of <c>type</c> the validator and the grammar know.</summary>
    public static FrozenSet<string> Types { get; } =
        new[] { "object", "array", "string", "number", "integer", "boolean", "null" }
            .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The keywords of <paramref name="schema"/> (and of every schema inside it) that are not enforced, each
    /// with its JSON path in the schema (e.g. <c>$.properties.rationale</c>); with <paramref name="grammar"/>, also
    /// those the local provider's grammar cannot express. Empty when the schema is fully enforced.</summary>
    public static IReadOnlyList<UnsupportedKeyword> FindUnsupported(JsonElement schema, bool grammar)
    {
        var found = new List<UnsupportedKeyword>();
        Walk(schema, "$", grammar, found);
        return found;
    }

    /// <summary>Throws <see cref="NotSupportedException"/> naming the first keyword of <paramref name="schema"/> that
    /// is not enforced (see <see cref="FindUnsupported"/>).</summary>
    public static void ThrowIfUnsupported(JsonElement schema, bool grammar)
    {
        if (FindUnsupported(schema, grammar) is [var first, ..])
        {
            throw new NotSupportedException($"the answer schema {first}");
        }
    }

    private static void Walk(JsonElement schema, string path, bool grammar, List<UnsupportedKeyword> found)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            found.Add(new(path, null, "is not an object"));
            return;
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            if (!All.TryGetValue(keyword.Name, out var support))
            {
                found.Add(new(path, keyword.Name, "which Stance does not enforce"));
                continue;
            }

            if (grammar && support == KeywordSupport.ValidatorOnly)
            {
                found.Add(new(path, keyword.Name, "which the local provider's grammar cannot enforce"));
            }

            var inner = $"{path}.{keyword.Name}";
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "properties" when value.ValueKind == JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        Walk(property.Value, $"{inner}.{property.Name}", grammar, found);
                    }

                    break;
                case "anyOf" or "prefixItems" when value.ValueKind == JsonValueKind.Array:
                    var i = 0;
                    foreach (var variant in value.EnumerateArray())
                    {
                        Walk(variant, $"{inner}[{i++}]", grammar, found);
                    }

                    break;
                case "items" when value.ValueKind != JsonValueKind.False: // false closes a prefixItems array
                    Walk(value, inner, grammar, found);
                    break;
                case "additionalProperties" when value.ValueKind != JsonValueKind.False:
                    found.Add(new(path, keyword.Name, "other than false, which Stance does not enforce"));
                    break;
                case "type" when !KnownTypes(value):
                    found.Add(new(path, keyword.Name, $"{value.GetRawText()}, a type Stance does not know"));
                    break;
            }
        }
    }

    private static bool KnownTypes(JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => Types.Contains(type.GetString()!),
        JsonValueKind.Array => type.EnumerateArray()
            .All(t => t.ValueKind == JsonValueKind.String && Types.Contains(t.GetString()!)),
        _ => false,
    };
}

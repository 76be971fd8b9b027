using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Stance.Scoring;

/// <summary>Checks a JSON value against the subset of JSON Schema that strict structured outputs use. The schema is
/// compiled once into a tree of checks (no schema look-ups, no allocations for a conforming value's paths).</summary>
/// <remarks>Supported: type (or a list of types), enum, properties, required, additionalProperties: false,
/// items, maxItems, maxLength, minimum, maximum. Anything else in the schema is ignored.</remarks>
internal sealed class JsonSchemaChecker
{
    private static readonly string[] s_indices = [.. Enumerable.Range(0, 32).Select(i => $"[{i}]")];

    private readonly string[]? _types;
    private readonly string? _typeText;
    private readonly JsonElement[]? _enum;
    private readonly string? _enumText;
    private readonly (string Name, JsonSchemaChecker Schema)[] _properties;
    private readonly string[] _required;
    private readonly bool _closed;
    private readonly JsonSchemaChecker? _items;
    private readonly int? _maxItems;
    private readonly int? _maxLength;
    private readonly double? _minimum;
    private readonly double? _maximum;

    private JsonSchemaChecker(JsonElement schema)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            _types = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!];
            _typeText = type.ToString().Replace("\"", string.Empty, StringComparison.Ordinal);
        }

        if (schema.TryGetProperty("enum", out var allowed))
        {
            _enum = [.. allowed.EnumerateArray().Select(a => a.Clone())];
            _enumText = allowed.ToString();
        }

        _properties = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? [.. properties.EnumerateObject().Select(p => (p.Name, new JsonSchemaChecker(p.Value)))]
            : [];
        _required = schema.TryGetProperty("required", out var required) ? [.. required.EnumerateArray().Select(r => r.GetString()!)] : [];
        _closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        _items = schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object ? new JsonSchemaChecker(items) : null;
        _maxItems = schema.TryGetProperty("maxItems", out var maxItems) ? maxItems.GetInt32() : null;
        _maxLength = schema.TryGetProperty("maxLength", out var maxLength) ? maxLength.GetInt32() : null;
        _minimum = schema.TryGetProperty("minimum", out var minimum) ? minimum.GetDouble() : null;
        _maximum = schema.TryGetProperty("maximum", out var maximum) ? maximum.GetDouble() : null;
    }

    /// <summary>Compiles <paramref name="schema"/> for repeated checks.</summary>
    public static JsonSchemaChecker Compile(JsonElement schema) => new(schema);

    /// <summary>Returns the problems found, each with its JSON path; empty when the value conforms.</summary>
    public static IReadOnlyList<string> Check(JsonElement schema, JsonElement value) => Compile(schema).Check(value);

    /// <summary>Returns the problems found, each with its JSON path; empty when the value conforms.</summary>
    public IReadOnlyList<string> Check(JsonElement value)
    {
        var errors = new List<string>();
        var path = new List<string>(8) { "$" };
        Check(value, path, errors);
        return errors;
    }

    private void Check(JsonElement value, List<string> path, List<string> errors)
    {
        if (_types is not null && !Array.Exists(_types, t => TypeMatches(t, value)))
        {
            errors.Add($"{Path(path)} must be {_typeText}, not {value.ValueKind.ToString().ToLowerInvariant()}");
            return;
        }

        if (_enum is not null && !Array.Exists(_enum, a => a.ValueKind == JsonValueKind.String && value.ValueKind == JsonValueKind.String
                ? value.ValueEquals(a.GetString())
                : JsonElement.DeepEquals(a, value)))
        {
            errors.Add($"{Path(path)} must be one of {_enumText}, not {value}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(value, path, errors);
                break;
            case JsonValueKind.Array:
                if (value.GetArrayLength() > _maxItems)
                {
                    errors.Add($"{Path(path)} has more than {_maxItems} items");
                }

                if (_items is not null)
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        path.Add(i < s_indices.Length ? s_indices[i] : $"[{i}]");
                        _items.Check(item, path, errors);
                        path.RemoveAt(path.Count - 1);
                        i++;
                    }
                }

                break;
            case JsonValueKind.Number:
                var number = value.GetDouble();
                if (number < _minimum)
                {
                    errors.Add($"{Path(path)} = {number} is below {_minimum}");
                }

                if (number > _maximum)
                {
                    errors.Add($"{Path(path)} = {number} is above {_maximum}");
                }

                break;
            case JsonValueKind.String:
                if (_maxLength is { } maxLength && Length(value) > maxLength)
                {
                    errors.Add($"{Path(path)} is longer than {maxLength} characters");
                }

                break;
        }
    }

    private void CheckObject(JsonElement value, List<string> path, List<string> errors)
    {
        foreach (var name in _required)
        {
            if (!value.TryGetProperty(name, out _))
            {
                errors.Add($"{Path(path)}.{name} is required");
            }
        }

        var known = 0;
        foreach (var (name, schema) in _properties)
        {
            if (value.TryGetProperty(name, out var property))
            {
                known++;
                path.Add("." + name);
                schema.Check(property, path, errors);
                path.RemoveAt(path.Count - 1);
            }
        }

        if (_closed && known < value.GetPropertyCount())
        {
            foreach (var property in value.EnumerateObject().Where(p => !Array.Exists(_properties, k => k.Name == p.Name)))
            {
                errors.Add($"{Path(path)}.{property.Name} is not allowed");
            }
        }
    }

    /// <summary>The string's length in UTF-16 characters, read from its raw UTF-8 without making the string when it has no escapes.</summary>
    private static int Length(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.IndexOf((byte)'\\') < 0 ? Encoding.UTF8.GetCharCount(raw[1..^1]) : value.GetString()!.Length;
    }

    private static string Path(List<string> path) => string.Concat(path);

    private static bool TypeMatches(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };
}

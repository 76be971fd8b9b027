using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Stance.Contract;

/// <summary>Checks a JSON value against the subset of JSON Schema that strict structured outputs use. The schema is
/// compiled once into a tree of checks (no schema look-ups, no allocations for a conforming value's paths).</summary>
/// <remarks>Enforces every keyword of <see cref="SchemaKeywords.All"/>: type (or a list of types), enum, const, anyOf,
/// properties, required, additionalProperties: false, items (or false), prefixItems, minItems, maxItems, minLength,
/// maxLength, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum. A schema with any other keyword is refused
/// when compiled, never half-enforced.</remarks>
internal sealed class JsonSchemaChecker
{
    private static readonly string[] s_indices = [.. Enumerable.Range(0, 32).Select(i => $"[{i}]")];
    private static readonly TimeSpan s_patternTimeout = TimeSpan.FromSeconds(1);

    private readonly string[]? _types;
    private readonly string? _typeText;
    private readonly JsonElement[]? _enum;
    private readonly string? _enumText;
    private readonly (string Name, JsonSchemaChecker Schema)[] _properties;
    private readonly string[] _required;
    private readonly bool _closed;
    private readonly JsonElement? _const;
    private readonly JsonSchemaChecker[]? _anyOf;
    private readonly JsonSchemaChecker? _items;
    private readonly bool _noMoreItems;
    private readonly JsonSchemaChecker[] _prefixItems;
    private readonly int? _minItems;
    private readonly int? _maxItems;
    private readonly int? _minLength;
    private readonly int? _maxLength;
    private readonly Regex? _pattern;
    private readonly double? _minimum;
    private readonly double? _maximum;
    private readonly double? _exclusiveMinimum;
    private readonly double? _exclusiveMaximum;

    private JsonSchemaChecker(JsonElement schema)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            _types = type.ValueKind == JsonValueKind.Array
                ? [.. type.EnumerateArray().Select(t => t.GetString()!)]
                : [type.GetString()!];
            _typeText = type.ToString().Replace("\"", string.Empty, StringComparison.Ordinal);
        }

        if (schema.TryGetProperty("enum", out var allowed))
        {
            _enum = [.. allowed.EnumerateArray().Select(a => a.Clone())];
            _enumText = allowed.ToString();
        }

        _properties =
            schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                ? [.. properties.EnumerateObject().Select(p => (p.Name, new JsonSchemaChecker(p.Value)))]
                : [];
        _required = schema.TryGetProperty("required", out var required)
            ? [.. required.EnumerateArray().Select(r => r.GetString()!)]
            : [];
        _closed = schema.TryGetProperty("additionalProperties", out var additional)
            && additional.ValueKind == JsonValueKind.False;
        _items = schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object
            ? new JsonSchemaChecker(items)
            : null;
        _noMoreItems = items.ValueKind == JsonValueKind.False;
        _prefixItems = schema.TryGetProperty("prefixItems", out var prefix)
            ? [.. prefix.EnumerateArray().Select(p => new JsonSchemaChecker(p))]
            : [];
        _const = schema.TryGetProperty("const", out var constant) ? constant.Clone() : null;
        _anyOf = schema.TryGetProperty("anyOf", out var anyOf)
            ? [.. anyOf.EnumerateArray().Select(v => new JsonSchemaChecker(v))]
            : null;
        _minItems = Int(schema, "minItems");
        _maxItems = Int(schema, "maxItems");
        _minLength = Int(schema, "minLength");
        _maxLength = Int(schema, "maxLength");
        _pattern = schema.TryGetProperty("pattern", out var pattern)
            ? new Regex(pattern.GetString()!, RegexOptions.ECMAScript, s_patternTimeout)
            : null;
        _minimum = Number(schema, "minimum");
        _maximum = Number(schema, "maximum");
        _exclusiveMinimum = Number(schema, "exclusiveMinimum");
        _exclusiveMaximum = Number(schema, "exclusiveMaximum");
    }

    /// <summary>Compiles <paramref name="schema"/> for repeated checks.</summary>
    /// <exception cref="NotSupportedException">The schema uses a keyword that is not enforced (see
    /// <see cref="SchemaKeywords"/>).</exception>
    /// <exception cref="ArgumentException">A <c>pattern</c> is not a valid regular expression.</exception>
    public static JsonSchemaChecker Compile(JsonElement schema)
    {
        SchemaKeywords.ThrowIfUnsupported(schema, grammar: false);
        return new(schema);
    }

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

        if (_enum is not null
            && !Array.Exists(_enum, a =>
                a.ValueKind == JsonValueKind.String && value.ValueKind == JsonValueKind.String
                    ? value.ValueEquals(a.GetString())
                    : JsonElement.DeepEquals(a, value)))
        {
            errors.Add($"{Path(path)} must be one of {_enumText}, not {value}");
        }

        if (_const is { } constant && !JsonElement.DeepEquals(constant, value))
        {
            errors.Add($"{Path(path)} must be {constant.GetRawText()}, not {value.GetRawText()}");
        }

        if (_anyOf is not null)
        {
            CheckAnyOf(value, path, errors);
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(value, path, errors);
                break;
            case JsonValueKind.Array:
                CheckArray(value, path, errors);
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

                if (number <= _exclusiveMinimum)
                {
                    errors.Add($"{Path(path)} = {number} is not above {_exclusiveMinimum}");
                }

                if (number >= _exclusiveMaximum)
                {
                    errors.Add($"{Path(path)} = {number} is not below {_exclusiveMaximum}");
                }

                break;
            case JsonValueKind.String:
                CheckString(value, path, errors);
                break;
        }
    }

    private void CheckString(JsonElement value, List<string> path, List<string> errors)
    {
        if (_maxLength is { } maxLength && Length(value) > maxLength)
        {
            errors.Add($"{Path(path)} is longer than {maxLength} characters");
        }

        if (_minLength is { } minLength && Length(value) < minLength)
        {
            errors.Add($"{Path(path)} is shorter than {minLength} characters");
        }

        if (_pattern is not null)
        {
            bool matches;
            try
            {
                matches = _pattern.IsMatch(value.GetString()!);
            }
            catch (RegexMatchTimeoutException)
            {
                matches = false;
            }

            if (!matches)
            {
                errors.Add($"{Path(path)} does not match the pattern {_pattern}");
            }
        }
    }

    private void CheckArray(JsonElement value, List<string> path, List<string> errors)
    {
        var count = value.GetArrayLength();
        if (count > _maxItems)
        {
            errors.Add($"{Path(path)} has more than {_maxItems} items");
        }

        if (count < _minItems)
        {
            errors.Add($"{Path(path)} has fewer than {_minItems} items");
        }

        if (_noMoreItems && count > _prefixItems.Length)
        {
            errors.Add($"{Path(path)} has more than the {_prefixItems.Length} items of its prefixItems");
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var schema = i < _prefixItems.Length ? _prefixItems[i] : _items;
            if (schema is not null)
            {
                path.Add(i < s_indices.Length ? s_indices[i] : $"[{i}]");
                schema.Check(item, path, errors);
                path.RemoveAt(path.Count - 1);
            }

            i++;
        }
    }

    /// <summary>Valid when one variant accepts the value; else the problems of the variant that came closest.</summary>
    private void CheckAnyOf(JsonElement value, List<string> path, List<string> errors)
    {
        List<string>? closest = null;
        foreach (var variant in _anyOf!)
        {
            var problems = new List<string>();
            variant.Check(value, path, problems);
            if (problems.Count == 0)
            {
                return;
            }

            if (closest is null || problems.Count < closest.Count)
            {
                closest = problems;
            }
        }

        errors.Add($"{Path(path)} matches none of the {_anyOf.Length} anyOf variants");
        errors.AddRange(closest ?? []);
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
            foreach (var property in value.EnumerateObject()
                .Where(p => !Array.Exists(_properties, k => k.Name == p.Name)))
            {
                errors.Add($"{Path(path)}.{property.Name} is not allowed");
            }
        }
    }

    /// <summary>The string's length in UTF-16 characters, read from its raw UTF-8 without making the string when it has
    /// no escapes.</summary>
    private static int Length(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.IndexOf((byte)'\\') < 0 ? Encoding.UTF8.GetCharCount(raw[1..^1]) : value.GetString()!.Length;
    }

    private static string Path(List<string> path) => string.Concat(path);

    private static int? Int(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) ? value.GetInt32() : null;

    private static double? Number(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) ? value.GetDouble() : null;

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

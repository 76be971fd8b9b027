using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stance.Tests.Support;

/// <summary>Draws random JSON values that a schema allows (the subset the narrowed answer schema uses), written
/// compactly, numbers with two decimals as the grammar writes them.</summary>
internal sealed class SchemaSampler(int seed)
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz ABC.,;'()-éü€\"\\";
    private static readonly JsonSerializerOptions s_relaxed = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private readonly Random _random = new(seed);

    public string Sample(JsonNode schema)
    {
        var text = new StringBuilder();
        Write(schema.AsObject(), text);
        return text.ToString();
    }

    private void Write(JsonObject schema, StringBuilder text)
    {
        if (schema["anyOf"] is JsonArray variants)
        {
            Write(variants[_random.Next(variants.Count)]!.AsObject(), text);
        }
        else if (schema["const"] is { } constant)
        {
            text.Append(constant.ToJsonString(s_relaxed));
        }
        else if (schema["enum"] is JsonArray values)
        {
            text.Append(values[_random.Next(values.Count)]?.ToJsonString(s_relaxed) ?? "null");
        }
        else if (schema["prefixItems"] is JsonArray items)
        {
            text.Append('[');
            for (var i = 0; i < items.Count; i++)
            {
                text.Append(i > 0 ? "," : string.Empty);
                Write(items[i]!.AsObject(), text);
            }

            text.Append(']');
        }
        else if (schema["properties"] is JsonObject properties)
        {
            text.Append('{');
            foreach (var (name, property) in properties)
            {
                text.Append(text[^1] == '{' ? string.Empty : ",")
                    .Append(JsonSerializer.Serialize(name, s_relaxed))
                    .Append(':');
                Write(property!.AsObject(), text);
            }

            text.Append('}');
        }
        else if (Type(schema) == "number")
        {
            var low = (double?)schema["minimum"] ?? (double?)schema["exclusiveMinimum"] + 0.01 ?? -1;
            var high = (double?)schema["maximum"] ?? (double?)schema["exclusiveMaximum"] - 0.01 ?? 1;
            var hundredths = _random.Next((int)Math.Round(low * 100), (int)Math.Round(high * 100) + 1);
            text.Append((hundredths / 100.0).ToString("F2", CultureInfo.InvariantCulture));
        }
        else if (Type(schema) == "string")
        {
            var length = _random.Next(((int?)schema["maxLength"] ?? 20) + 1);
            var value = new string(
                [.. Enumerable.Range(0, length).Select(_ => Letters[_random.Next(Letters.Length)])]);
            text.Append(JsonSerializer.Serialize(value, s_relaxed));
        }
        else
        {
            throw new NotSupportedException(schema.ToJsonString());
        }
    }

    private static string? Type(JsonObject schema) =>
        schema["type"] is JsonValue value ? value.GetValue<string>() : null;
}

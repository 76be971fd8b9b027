using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Stance.Hosting;

/// <summary>Rewrites the range messages of the generated options validators (<c>Concurrency: The field
/// ScoringOptions.Concurrency must be between 1 and 512.</c>) to name the configuration key a user sets
/// (<c>Stance:Concurrency: must be within 1..512</c>). The generator ignores a range's own <c>ErrorMessage</c>, so
/// the key is found here, from the options type's <c>Section</c> and the property's configuration name.</summary>
internal static partial class ValidationMessages
{
    private static readonly HashSet<string> s_unbounded =
        [int.MaxValue.ToString(), long.MaxValue.ToString(), double.MaxValue.ToString(), "9.223372036854776E+18",
            "10675199.02:48:05.4775807"];

    /// <summary>The message naming the key, or <paramref name="failure"/> unchanged when it is not a generated range
    /// message of a known options type.</summary>
    public static string Named(string failure)
    {
        var match = GeneratedRange().Match(failure);
        if (!match.Success || KeyOf(match.Groups["type"].Value, match.Groups["property"].Value) is not { } key)
        {
            return failure;
        }

        var (min, max) = (match.Groups["min"].Value, match.Groups["max"].Value);
        return s_unbounded.Contains(max) ? $"{key}: must be at least {min}" : $"{key}: must be within {min}..{max}";
    }

    private static string? KeyOf(string typeName, string propertyName)
    {
        var (section, type) = ConfigurationValues.OptionsTypes().FirstOrDefault(o => o.Type.Name == typeName);
        var property = type?.GetProperty(propertyName);
        return property is null
            ? null
            : $"{section}:{property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name}";
    }

    [GeneratedRegex(@"^\w+: The field (?<type>\w+)\.(?<property>\w+) must be between (?<min>\S+) and (?<max>\S+?)\.$")]
    private static partial Regex GeneratedRange();
}

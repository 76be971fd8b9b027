using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Stance.Hosting;

/// <summary>Finds the settings the binder could not convert (<c>MaxRetries=abc</c>) before it throws, so each is
/// reported as one line naming the key and the value instead of as a crash.</summary>
internal static class ConfigurationValues
{
    /// <summary>One line per value, of every options type of the job, that does not convert to its property's
    /// type. The options types are found by their convention: a class named <c>…Options</c> in this assembly with a
    /// <c>Section</c> constant naming where it is bound from.</summary>
    public static IReadOnlyList<string> Unconvertible(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var (section, type) in OptionsTypes())
        {
            Check(configuration.GetSection(section), type, problems);
        }

        return [.. problems.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The job's options types and the sections they are bound from.</summary>
    internal static IEnumerable<(string Section, Type Type)> OptionsTypes() =>
        typeof(ConfigurationValues).Assembly.GetTypes()
            .Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Select(t => (Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static), Type: t))
            .Where(f => f.Field is { IsLiteral: true } && f.Field.FieldType == typeof(string))
            .Select(f => ((string)f.Field!.GetRawConstantValue()!, f.Type));

    private static void Check(IConfigurationSection section, Type type, List<string> problems)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite && !IsNested(property.PropertyType))
            {
                continue;
            }

            var key = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            var child = section.GetSection(key);
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsNested(target))
            {
                Check(child, target, problems);
            }
            else if (IsScalar(target) && child.Value is { } value && !Converts(value, target, property.PropertyType))
            {
                problems.Add($"{child.Path}: '{value}' is not a valid {target.Name}");
            }
        }
    }

    private static bool Converts(string value, Type target, Type declared)
    {
        if (value.Length == 0 && declared != target)
        {
            return true; // an empty value leaves a nullable setting unset
        }

        try
        {
            _ = TypeDescriptor.GetConverter(target).ConvertFromString(null, CultureInfo.InvariantCulture, value);
            return true;
        }
        catch (Exception ex)
            when (ex is FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            return false;
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static bool IsNested(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
        && type.GetConstructor(Type.EmptyTypes) is not null;
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Stance.Contract;

namespace Stance.Prompts;

/// <summary>Loads a prompt folder in Semantic Kernel's on-disk format and rejects anything the job could not
/// use.</summary>
internal static class PromptLoader
{
    /// <summary>The file names of the on-disk format.</summary>
    public const string TemplateFile = "skprompt.txt";

    /// <summary>The execution settings file.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The watched targets file.</summary>
    public const string TargetsFile = "targets.json";

    /// <summary>Loads <paramref name="folder"/>; throws <see cref="PromptException"/> naming the file and the reason.
    /// With <paramref name="grammarSchema"/> (a provider that decodes under a grammar made from the answer schema)
    /// the schema must also be one a grammar can express.</summary>
    public static StancePrompt Load(string folder, bool grammarSchema = false)
    {
        if (!Directory.Exists(folder))
        {
            throw new PromptException(folder, "the prompt folder does not exist");
        }

        var template = ReadRequired(folder, TemplateFile);
        if (!PromptExamples.UsesParagraph(template))
        {
            throw new PromptException(Path.Combine(folder, TemplateFile), "the template never uses {{$paragraph}}");
        }

        var configPath = Path.Combine(folder, ConfigFile);
        PromptTemplateConfig config;
        try
        {
            config = PromptTemplateConfig.FromJson(ReadRequired(folder, ConfigFile));
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or NotSupportedException)
        {
            throw new PromptException(configPath, $"not a valid Semantic Kernel prompt config: {ex.Message}");
        }

        config.Template = template;
        config.Name ??= Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        var schema = ReadAnswerSchema(config, configPath, grammar: grammarSchema);

        WatchedTargets targets;
        try
        {
            targets = File.Exists(Path.Combine(folder, TargetsFile))
                ? WatchedTargets.Parse(File.ReadAllText(Path.Combine(folder, TargetsFile)))
                : WatchedTargets.Parse("""{"targets":[]}""");
        }
        catch (FormatException ex)
        {
            throw new PromptException(Path.Combine(folder, TargetsFile), ex.Message);
        }

        var (sha, files) = HashFolder(folder);
        var prompt = new StancePrompt(
            Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)),
            config,
            schema,
            targets,
            sha,
            files);
        var examplesPath = Path.Combine(folder, PromptExamples.File);
        if (!File.Exists(examplesPath))
        {
            return prompt;
        }

        // Checked against the schema and rules before the template changes; counted in the hash like every file.
        var examples = PromptExamples.Read(examplesPath, prompt);
        config.Template = PromptExamples.Render(template, examples.Count, Path.Combine(folder, TemplateFile));
        return prompt with { Examples = examples, ExampleValues = PromptExamples.Values(examples) };
    }

    private static JsonElement ReadAnswerSchema(PromptTemplateConfig config, string configPath, bool grammar)
    {
        var settings = config.DefaultExecutionSettings?.ExtensionData;
        if (settings is null
            || !settings.TryGetValue("response_format", out var format)
            || format is not JsonElement formatJson)
        {
            throw new PromptException(configPath, "execution_settings.default.response_format is missing");
        }

        if (!formatJson.TryGetProperty("type", out var type) || type.GetString() != "json_schema"
            || !formatJson.TryGetProperty("json_schema", out var jsonSchema)
            || !jsonSchema.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
        {
            throw new PromptException(
                configPath,
                "response_format must be {\"type\":\"json_schema\",\"json_schema\":{\"name\",\"strict\",\"schema\"}}");
        }

        if (!jsonSchema.TryGetProperty("strict", out var strict) || strict.ValueKind != JsonValueKind.True)
        {
            throw new PromptException(configPath, "response_format.json_schema.strict must be true");
        }

        CheckKeywords(schema, configPath, grammar);
        CheckStrict(schema, "$", configPath);
        CheckFields(schema, "$", StanceContract.AnswerFields, configPath);
        if (schema.GetProperty("properties").GetProperty("targets").TryGetProperty("items", out var items))
        {
            CheckFields(items, "$.targets[]", StanceContract.TargetFields, configPath);
        }
        else
        {
            throw new PromptException(configPath, "the schema's targets must be an array with items");
        }

        CheckLabels(schema, "stance_label", StanceContract.StanceLabels, configPath);
        CheckLabels(schema, "sentiment_label", StanceContract.SentimentLabels, configPath);
        return schema.Clone();
    }

    /// <summary>Every keyword of the schema must be one the validator enforces (and, for the local provider, one its
    /// grammar expresses): a keyword the author believes enforced but that would be skipped is refused with its
    /// path.</summary>
    private static void CheckKeywords(JsonElement schema, string configPath, bool grammar)
    {
        if (SchemaKeywords.FindUnsupported(schema, grammar) is [var first, ..])
        {
            throw new PromptException(configPath, $"response_format schema {first}");
        }

        try
        {
            JsonSchemaChecker.Compile(schema);
        }
        catch (ArgumentException ex)
        {
            throw new PromptException(configPath, $"response_format schema has a pattern that is not a valid "
                + $"ECMAScript regular expression: {ex.Message}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new PromptException(configPath,
                $"response_format schema has a keyword of the wrong kind: {ex.Message}");
        }
    }

    /// <summary>Strict structured outputs need every object closed (<c>additionalProperties: false</c>) and every
    /// property required.</summary>
    private static void CheckStrict(JsonElement schema, string path, string configPath)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new PromptException(configPath, $"the schema at {path} is not an object");
        }

        if (schema.TryGetProperty("properties", out var properties))
        {
            if (!schema.TryGetProperty("additionalProperties", out var additional)
                || additional.ValueKind != JsonValueKind.False)
            {
                throw new PromptException(
                    configPath,
                    $"the schema at {path} needs \"additionalProperties\": false (strict mode)");
            }

            var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
                ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet()
                : [];
            foreach (var property in properties.EnumerateObject())
            {
                if (!required.Contains(property.Name))
                {
                    throw new PromptException(
                        configPath,
                        $"the schema at {path} must list '{property.Name}' in \"required\" (strict mode)");
                }

                CheckStrict(property.Value, $"{path}.{property.Name}", configPath);
            }
        }

        if (schema.TryGetProperty("items", out var items))
        {
            CheckStrict(items, $"{path}[]", configPath);
        }
    }

    private static void CheckFields(JsonElement schema, string path, IReadOnlyList<string> fields, string configPath)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        var missing = fields
            .Where(f => properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(f, out _))
            .ToList();
        if (missing.Count > 0)
        {
            throw new PromptException(
                configPath,
                $"the schema at {path} lacks the answer fields {string.Join(", ", missing)}");
        }
    }

    private static void CheckLabels(
        JsonElement schema,
        string property,
        IReadOnlyList<string> expected,
        string configPath)
    {
        var labels = schema.TryGetProperty("properties", out var properties)
            && properties.TryGetProperty(property, out var field)
            && field.TryGetProperty("enum", out var values)
            ? values.EnumerateArray().Select(v => v.GetString()).ToList()
            : null;
        if (labels is null
            || !labels.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal)))
        {
            throw new PromptException(
                configPath,
                $"the schema's {property} enum must be exactly [{string.Join(", ", expected)}]");
        }
    }

    private static string ReadRequired(string folder, string file)
    {
        var path = Path.Combine(folder, file);
        return File.Exists(path) ? File.ReadAllText(path) : throw new PromptException(path, "the file is missing");
    }

    private static (string Sha, IReadOnlyList<string> Files) HashFolder(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(folder, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(folder, file)));
            hash.AppendData("\n"u8);
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), files);
    }
}

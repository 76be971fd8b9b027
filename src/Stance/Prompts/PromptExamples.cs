using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stance.Paragraphs;

namespace Stance.Prompts;

/// <summary>Reads, checks and renders a prompt folder's few-shot examples (<c>examples.jsonl</c>): each example
/// becomes a user message in the template's own user format and an assistant message holding its answer, in file
/// order, before the real paragraph.</summary>
internal static partial class PromptExamples
{
    /// <summary>The examples file of a prompt folder (optional).</summary>
    public const string File = "examples.jsonl";

    /// <summary>The template variables each example fills; <c>{0}</c> is the example's position.</summary>
    private static readonly JsonSerializerOptions s_compact =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly (string Variable, string Name)[] s_variables =
    [
        ("paragraph", "example{0}_paragraph"),
        ("title", "example{0}_title"),
        ("previous", "example{0}_previous"),
    ];

    /// <summary>Reads <paramref name="path"/>; every answer must pass <paramref name="prompt"/>'s schema and answer
    /// rules for its own paragraph. Throws <see cref="PromptException"/> naming the line.</summary>
    public static IReadOnlyList<PromptExample> Read(string path, StancePrompt prompt)
    {
        var validator = new AnswerValidator(prompt);
        var examples = new List<PromptExample>();
        var lines = System.IO.File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                examples.Add(ReadLine(path, i + 1, lines[i], validator));
            }
        }

        return examples.Count > 0 ? examples : throw new PromptException(path, "the file holds no example");
    }

    private static PromptExample ReadLine(string path, int line, string text, AnswerValidator validator)
    {
        JsonElement root;
        try
        {
            using var json = JsonDocument.Parse(text);
            root = json.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new PromptException(path, $"line {line}: not JSON ({ex.Message})");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new PromptException(path, $"line {line}: an example is an object {{\"paragraph\", \"answer\"}}");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("paragraph" or "title" or "previous" or "answer"))
            {
                throw new PromptException(path, $"line {line}: unknown field '{property.Name}' (an example has "
                    + "paragraph, answer and optionally title and previous)");
            }
        }

        var paragraph = Field(root, "paragraph", path, line, required: true);
        var title = Field(root, "title", path, line, required: false);
        var previous = Field(root, "previous", path, line, required: false);
        if (!root.TryGetProperty("answer", out var answer) || answer.ValueKind != JsonValueKind.Object)
        {
            throw new PromptException(path, $"line {line}: 'answer' must be the answer object");
        }

        var raw = answer.GetRawText();
        var check = validator.Validate(raw, new Paragraph(
            "example",
            title.Length == 0 ? null : title,
            File,
            line,
            $"example-{line}",
            ParagraphSplitter.Sha256Hex(paragraph),
            paragraph,
            previous.Length == 0 ? null : previous));
        if (check.Answer is null)
        {
            throw new PromptException(path, $"line {line}: the answer would be rejected from a model: {check.Reason}");
        }

        // Compact, with quotes and non-ASCII text as written (the default encoder would send \\u0027 escapes).
        return new PromptExample(line, paragraph, title, previous, JsonSerializer.Serialize(answer, s_compact));
    }

    private static string Field(JsonElement root, string name, string path, int line, bool required)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required
                ? throw new PromptException(path, $"line {line}: '{name}' is missing")
                : string.Empty;
        }

        if (value.ValueKind != JsonValueKind.String || (required && string.IsNullOrWhiteSpace(value.GetString())))
        {
            throw new PromptException(path, $"line {line}: '{name}' must be a non-empty string");
        }

        return value.GetString()!;
    }

    /// <summary>The template with a user/assistant pair per example inserted before its last user message. The
    /// example's user message is that message with the example's variables in place of the paragraph's, and no
    /// feedback.</summary>
    public static string Render(string template, int count, string templatePath)
    {
        var users = UserMessage().Matches(template);
        if (users.Count == 0 || !UsesParagraph(users[^1].Value))
        {
            throw new PromptException(templatePath, $"few-shot examples ({File}) need the template's paragraph "
                + "({{$paragraph}}) in its last <message role=\"user\"> block");
        }

        var last = users[^1];
        var pairs = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            // Every spelling Semantic Kernel accepts ({{$paragraph}}, {{ $paragraph }}) takes the example's value.
            var example = i;
            var user = Variable().Replace(last.Value, m => m.Groups[1].Value switch
            {
                "feedback" => string.Empty,
                var name => $"{{{{${Name(s_variables.First(v => v.Variable == name).Name, example)}}}}}",
            });
            pairs.Append(user).Append('\n')
                .Append("<message role=\"assistant\">{{$")
                .Append(AnswerVariable(i))
                .Append("}}</message>\n");
        }

        return template.Insert(last.Index, pairs.ToString());
    }

    /// <summary>True when <paramref name="text"/> uses <c>{{$paragraph}}</c> (in any spacing Semantic Kernel
    /// accepts).</summary>
    public static bool UsesParagraph(string text) =>
        Variable().Matches(text).Any(m => m.Groups[1].Value == "paragraph");

    private static string Name(string format, int i) => string.Format(CultureInfo.InvariantCulture, format, i);

    /// <summary>The values of the examples' template variables, the same for every request.</summary>
    public static IReadOnlyDictionary<string, string> Values(IReadOnlyList<PromptExample> examples)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i <= examples.Count; i++)
        {
            var example = examples[i - 1];
            values[Name(s_variables[0].Name, i)] = example.Paragraph;
            values[Name(s_variables[1].Name, i)] = example.Title;
            values[Name(s_variables[2].Name, i)] = example.Previous;
            values[AnswerVariable(i)] = example.Answer;
        }

        return values;
    }

    private static string AnswerVariable(int i) => $"example{i}_answer";

    [GeneratedRegex("""<message\s+role\s*=\s*"user"\s*>.*?</message>""", RegexOptions.Singleline)]
    private static partial Regex UserMessage();

    /// <summary>A use of a variable an example replaces, in any spacing Semantic Kernel accepts.</summary>
    [GeneratedRegex(@"\{\{\s*\$(paragraph|title|previous|feedback)\s*\}\}")]
    private static partial Regex Variable();
}

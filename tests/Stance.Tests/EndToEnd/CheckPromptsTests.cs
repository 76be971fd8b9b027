using System.Text.Json.Nodes;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary><c>--check-prompts</c> validates the prompt folder and exits; a broken prompt is rejected with its file
/// and reason.</summary>
public sealed class CheckPromptsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public CheckPromptsTests()
    {
        Directory.CreateDirectory(PromptFolder);
        foreach (var file in Directory.GetFiles(RepoPaths.StancePrompt))
        {
            File.Copy(file, Path.Combine(PromptFolder, Path.GetFileName(file)));
        }
    }

    private string PromptFolder => Path.Combine(_folder.Path, "prompts", "stance");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AValidPromptPassesWithoutAnyCall()
    {
        var run = await CheckAsync();

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("Prompt 'stance' is valid", run.LogText);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "out")));
    }

    public static TheoryData<string, string, string> BrokenPrompts => new()
    {
        { "skprompt.txt", "no-paragraph", "never uses {{$paragraph}}" },
        { "config.json", "not-json", "not a valid Semantic Kernel prompt config" },
        { "config.json", "not-strict", "strict must be true" },
        { "config.json", "open-object", "needs \"additionalProperties\": false" },
        { "config.json", "optional-field", "must list 'rationale' in \"required\"" },
        { "config.json", "missing-field", "lacks the answer fields confidence" },
        { "config.json", "unknown-label", "stance_label enum must be exactly" },
        { "config.json", "no-schema", "response_format is missing" },
        { "targets.json", "bad-targets", "not valid JSON" },
        { "targets.json", "alias-clash", "belongs to both" },
    };

    [Theory]
    [MemberData(nameof(BrokenPrompts))]
    public async Task EachBrokenPromptIsRejectedWithItsFileAndReason(string file, string breakage, string reason)
    {
        Break(file, breakage);

        var run = await CheckAsync();

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains(Path.Combine(PromptFolder, file), run.LogText);
        Assert.Contains(reason, run.LogText);
    }

    [Fact]
    public async Task WithCompareTheBSideIsCheckedTooAndABrokenOneIsRefused()
    {
        // A second, valid folder beside the first: both are named valid.
        var other = Path.Combine(_folder.Path, "prompts", "other");
        Directory.CreateDirectory(other);
        foreach (var file in Directory.GetFiles(PromptFolder))
        {
            File.Copy(file, Path.Combine(other, Path.GetFileName(file)));
        }

        var run = await CheckAsync("--compare", "other");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("Prompt 'stance' is valid", run.LogText);
        Assert.Contains("Prompt 'other' is valid", run.LogText);

        File.WriteAllText(Path.Combine(other, "config.json"), "{ not json");
        var broken = await CheckAsync("--compare", "other");

        Assert.Equal(ExitCodes.ConfigurationError, broken.ExitCode);
        Assert.Contains("config.json", broken.LogText);
    }

    private Task<RunResult> CheckAsync(params string[] more) => StanceRunner.RunAsync(
        [
            "--check-prompts", "--prompts", Path.Combine(_folder.Path, "prompts"), "--input", RepoPaths.Data,
            "--output", Path.Combine(_folder.Path, "out"), .. more,
        ]);

    private void Break(string file, string breakage)
    {
        var path = Path.Combine(PromptFolder, file);
        if (file == "skprompt.txt")
        {
            File.WriteAllText(
                path, File.ReadAllText(path).Replace("{{$paragraph}}", "{{$text}}", StringComparison.Ordinal));
            return;
        }

        if (file == "targets.json")
        {
            File.WriteAllText(
                path,
                breakage == "bad-targets"
                    ? "{ targets: ["
                    : "{\"targets\":[{\"name\":\"A\",\"aliases\":[\"X\"]},{\"name\":\"B\",\"aliases\":[\"X\"]}]}");
            return;
        }

        if (breakage == "not-json")
        {
            File.WriteAllText(path, "{ \"execution_settings\": ");
            return;
        }

        var config = JsonNode.Parse(File.ReadAllText(path))!;
        var settings = config["execution_settings"]!["default"]!;
        var jsonSchema = settings["response_format"]!["json_schema"]!;
        var schema = jsonSchema["schema"]!;
        switch (breakage)
        {
            case "not-strict":
                jsonSchema["strict"] = false;
                break;
            case "open-object":
                schema["properties"]!["targets"]!["items"]!.AsObject().Remove("additionalProperties");
                break;
            case "optional-field":
                schema["required"]!.AsArray().RemoveAt(6);
                break;
            case "missing-field":
                schema["properties"]!.AsObject().Remove("confidence");
                schema["required"]!.AsArray().RemoveAt(5);
                break;
            case "unknown-label":
                schema["properties"]!["stance_label"]!["enum"]!.AsArray().Add("sceptical");
                break;
            case "no-schema":
                settings.AsObject().Remove("response_format");
                break;
        }

        File.WriteAllText(path, config.ToJsonString());
    }
}

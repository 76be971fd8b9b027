using System.Text.Json;
using System.Text.Json.Nodes;
using Stance.Contract;
using Stance.Prompts;
using Stance.Tests.Support;

namespace Stance.Tests.Prompts;

public sealed class PromptLoaderTests
{
    [Fact]
    public void TheBundledPromptLoadsWithAStrictSchemaAndTheSampleTargets()
    {
        var prompt = PromptLoader.Load(RepoPaths.StancePrompt);

        Assert.Equal("stance", prompt.Name);
        Assert.Equal(64, prompt.Sha256.Length);
        Assert.Equal(["config.json", "examples.jsonl", "skprompt.txt", "targets.json"], prompt.Files);
        Assert.Equal(3, prompt.Examples.Count);
        Assert.Contains(prompt.Targets.Targets, t => t.Name == "United States" && t.Aliases.Contains("Congress"));
        Assert.Contains(prompt.Targets.Targets, t => t.Name == "Azerbaijan");
        Assert.Contains(prompt.Targets.Targets, t => t.Name == "Armenia");
        Assert.Equal("object", prompt.AnswerSchema.GetProperty("type").GetString());
    }

    [Fact]
    public void EditingAnyFileOfTheFolderChangesTheHash()
    {
        using var folder = CopyOfBundledPrompt();
        var before = PromptLoader.Load(folder.Path).Sha256;
        File.AppendAllText(Path.Combine(folder.Path, "targets.json"), " ");

        Assert.NotEqual(before, PromptLoader.Load(folder.Path).Sha256);
    }

    [Theory]
    [InlineData("skprompt.txt", "no variable here", "{{$paragraph}}")]
    [InlineData("config.json", "{ not json", "not a valid Semantic Kernel prompt config")]
    [InlineData("targets.json", "{\"targets\":[{\"aliases\":[\"x\"]}]}", "has no \"name\"")]
    [InlineData(
        "targets.json",
        "{\"targets\":[{\"name\":\"A\",\"aliases\":[\"X\"]},{\"name\":\"B\",\"aliases\":[\"X\"]}]}",
        "belongs to both")]
    public void ABrokenFileIsRejectedWithItsNameAndTheReason(string file, string content, string reason)
    {
        using var folder = CopyOfBundledPrompt();
        File.WriteAllText(Path.Combine(folder.Path, file), content);

        var error = Assert.Throws<PromptException>(() => PromptLoader.Load(folder.Path));

        Assert.EndsWith(file, error.Path);
        Assert.Contains(reason, error.Reason);
    }

    [Theory]
    [InlineData("strict", "false", "strict must be true")]
    [InlineData("label", "\"maybe\"", "stance_label enum")]
    public void ASchemaThatIsNotStrictOrHasUnknownLabelsIsRejected(string change, string value, string reason)
    {
        using var folder = CopyOfBundledPrompt();
        var path = Path.Combine(folder.Path, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        var format = config["execution_settings"]!["default"]!["response_format"]!["json_schema"]!;
        if (change == "strict")
        {
            format["strict"] = JsonNode.Parse(value);
        }
        else
        {
            format["schema"]!["properties"]!["stance_label"]!["enum"]!.AsArray().Add(JsonNode.Parse(value));
        }

        File.WriteAllText(path, config.ToJsonString());

        Assert.Contains(reason, Assert.Throws<PromptException>(() => PromptLoader.Load(folder.Path)).Reason);
    }

    [Theory]
    [InlineData("rationale", "format", "\"date-time\"")]
    [InlineData("targets.items.evidence", "multipleOf", "2")]
    [InlineData("confidence", "$ref", "\"#/$defs/score\"")]
    public void ASchemaKeywordThatStanceDoesNotEnforceIsRefusedWithItsJsonPath(
        string field, string keyword, string value)
    {
        using var folder = CopyOfBundledPrompt();
        EditSchemaField(folder.Path, field, keyword, value);

        var error = Assert.Throws<PromptException>(() => PromptLoader.Load(folder.Path, grammarSchema: false));

        var path = field == "rationale" || field == "confidence"
            ? $"$.properties.{field}"
            : "$.properties.targets.items.properties.evidence";
        Assert.EndsWith("config.json", error.Path);
        Assert.Equal(
            $"response_format schema uses \"{keyword}\" at {path}, which Stance does not enforce", error.Reason);
    }

    [Fact]
    public void APatternInTheSchemaIsEnforcedOnAnswersAndRefusedForTheLocalProvidersGrammar()
    {
        using var folder = CopyOfBundledPrompt();
        EditSchemaField(folder.Path, "rationale", "pattern", "\"^[A-Z]\"");

        var checker = JsonSchemaChecker.Compile(PromptLoader.Load(folder.Path, grammarSchema: false).AnswerSchema);
        var answer = JsonNode.Parse(TestAnswers.For("Armenia welcomed the deal."))!;
        answer["rationale"] = "Starts with a capital.";
        Assert.Empty(checker.Check(JsonSerializer.SerializeToElement(answer)));
        answer["rationale"] = "starts in lower case.";
        var problems = checker.Check(JsonSerializer.SerializeToElement(answer));
        Assert.Equal(["$.rationale does not match the pattern ^[A-Z]"], problems);

        var local = Assert.Throws<PromptException>(() => PromptLoader.Load(folder.Path, grammarSchema: true));
        Assert.Equal(
            "response_format schema uses \"pattern\" at $.properties.rationale, which the local provider's grammar "
            + "cannot enforce",
            local.Reason);
    }

    [Fact]
    public void APatternThatIsNotAValidRegularExpressionIsRefused()
    {
        using var folder = CopyOfBundledPrompt();
        EditSchemaField(folder.Path, "rationale", "pattern", "\"([a-z\"");

        var error = Assert.Throws<PromptException>(() => PromptLoader.Load(folder.Path));

        Assert.StartsWith(
            "response_format schema has a pattern that is not a valid ECMAScript regular expression", error.Reason);
    }

    [Fact]
    public void AliasesMapMentionsToCanonicalNamesAsWholeWords()
    {
        var targets = PromptLoader.Load(RepoPaths.StancePrompt).Targets;

        var mentions = targets
            .FindMentions("The U.S. Congress and Azerbaijanis, not USAID or Armenia’s army.")
            .ToList();

        Assert.Equal(["United States", "United States", "Azerbaijan", "Armenia"], mentions.Select(m => m.Target));
        Assert.Equal(["U.S.", "Congress", "Azerbaijanis", "Armenia"], mentions.Select(m => m.Mention));
        Assert.Equal(("United States", true), targets.Canonicalize("Congress"));
        Assert.Equal(("United States", true), targets.Canonicalize("united states"));
        Assert.Equal(("NATO", false), targets.Canonicalize(" NATO "));
    }

    /// <summary>Sets <paramref name="keyword"/> to the JSON <paramref name="value"/> on an answer field's schema
    /// (<c>targets.items.x</c> for a field of a target).</summary>
    private static void EditSchemaField(string folder, string field, string keyword, string value)
    {
        var path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        var format = config["execution_settings"]!["default"]!["response_format"]!;
        var properties = format["json_schema"]!["schema"]!["properties"]!;
        var target = field.StartsWith("targets.items.", StringComparison.Ordinal)
            ? properties["targets"]!["items"]!["properties"]![field["targets.items.".Length..]]!
            : properties[field]!;
        target[keyword] = JsonNode.Parse(value);
        File.WriteAllText(path, config.ToJsonString());
    }

    private static TempFolder CopyOfBundledPrompt()
    {
        var folder = new TempFolder();
        foreach (var file in Directory.GetFiles(RepoPaths.StancePrompt))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }

        return folder;
    }
}

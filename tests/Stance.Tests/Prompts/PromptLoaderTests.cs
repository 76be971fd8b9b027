using System.Text.Json.Nodes;
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
        Assert.Equal(["config.json", "skprompt.txt", "targets.json"], prompt.Files);
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
    [InlineData("targets.json", "{\"targets\":[{\"name\":\"A\",\"aliases\":[\"X\"]},{\"name\":\"B\",\"aliases\":[\"X\"]}]}", "belongs to both")]
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

    [Fact]
    public void AliasesMapMentionsToCanonicalNamesAsWholeWords()
    {
        var targets = PromptLoader.Load(RepoPaths.StancePrompt).Targets;

        var mentions = targets.FindMentions("The U.S. Congress and Azerbaijanis, not USAID or Armenia’s army.").ToList();

        Assert.Equal(["United States", "United States", "Azerbaijan", "Armenia"], mentions.Select(m => m.Target));
        Assert.Equal(["U.S.", "Congress", "Azerbaijanis", "Armenia"], mentions.Select(m => m.Mention));
        Assert.Equal(("United States", true), targets.Canonicalize("Congress"));
        Assert.Equal(("United States", true), targets.Canonicalize("united states"));
        Assert.Equal(("NATO", false), targets.Canonicalize(" NATO "));
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

using System.Text.Json.Nodes;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary><c>--check-prompts</c>, run as the README runs it, refuses an answer schema keyword that Stance would not
/// enforce, naming the file, the keyword and its JSON path.</summary>
public sealed class CheckPromptsSchemaKeywordTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public CheckPromptsSchemaKeywordTests()
    {
        Directory.CreateDirectory(PromptFolder);
        foreach (var file in Directory.GetFiles(RepoPaths.StancePrompt))
        {
            File.Copy(file, Path.Combine(PromptFolder, Path.GetFileName(file)));
        }
    }

    private string PromptFolder => Path.Combine(_folder.Path, "prompts", "stance");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("lexicon", "format", "\"date-time\"", "which Stance does not enforce")]
    [InlineData("local", "pattern", "\"^[A-Z]\"", "which the local provider's grammar cannot enforce")]
    public async Task ACheckOfASchemaWithAKeywordThatIsNotEnforcedFailsNamingTheKeywordAndItsPath(
        string provider, string keyword, string value, string reason)
    {
        var config = Path.Combine(PromptFolder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        var schema = json["execution_settings"]!["default"]!["response_format"]!["json_schema"]!["schema"]!;
        schema["properties"]!["rationale"]![keyword] = JsonNode.Parse(value);
        File.WriteAllText(config, json.ToJsonString());
        var model = Path.Combine(_folder.Path, "model.gguf");
        File.WriteAllText(model, "never loaded by a prompt check");
        string[] local = provider == "local" ? ["--model-path", model] : [];

        var (exitCode, output) = await StanceProcess.RunAsync(
            ["--check-prompts", "--provider", provider, .. local, "--prompts", Path.Combine(_folder.Path, "prompts"),
                "--input", RepoPaths.Data, "--output", Path.Combine(_folder.Path, "out")]);

        Assert.True(exitCode == ExitCodes.ConfigurationError, output);
        Assert.Contains($"{config}: response_format schema uses \"{keyword}\" at $.properties.rationale, {reason}",
            output.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
    }
}

using System.Text.Json;
using Microsoft.SemanticKernel;

namespace Stance.Prompts;

/// <summary>A prompt folder loaded and checked: template, execution settings, answer schema and watched
/// targets.</summary>
/// <param name="Name">The folder's name, e.g. <c>stance</c>.</param>
/// <param name="Config">The Semantic Kernel prompt config with the template text set.</param>
/// <param name="AnswerSchema">The JSON schema the answer must follow (from <c>response_format</c>).</param>
/// <param name="Targets">The watched targets from <c>targets.json</c>.</param>
/// <param name="Sha256">Hash over every file of the folder (names and bytes), so any edit changes it.</param>
/// <param name="Files">The folder's files, relative names, in hash order.</param>
internal sealed record StancePrompt(
    string Name,
    PromptTemplateConfig Config,
    JsonElement AnswerSchema,
    WatchedTargets Targets,
    string Sha256,
    IReadOnlyList<string> Files)
{
    /// <summary>The few-shot examples of <c>examples.jsonl</c>, in file order (none without the file).</summary>
    public IReadOnlyList<PromptExample> Examples { get; init; } = [];

    /// <summary>The examples' template variables and their values, the same for every request.</summary>
    public IReadOnlyDictionary<string, string> ExampleValues { get; init; } = new Dictionary<string, string>();
}

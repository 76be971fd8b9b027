namespace Stance.Prompts;

/// <summary>Which prompt folder the job uses, bound from <c>Stance</c>.</summary>
internal sealed class PromptOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>The folder of prompt folders (or a prompt folder itself).</summary>
    public string Prompts { get; set; } = "prompts";

    /// <summary>The prompt folder's name inside <see cref="Prompts"/>.</summary>
    public string Prompt { get; set; } = "stance";

    /// <summary>True when the provider decodes under a grammar made from the answer schema, so the schema must be
    /// one a grammar can express; set by the provider, not by configuration.</summary>
    public bool GrammarSchema { get; internal set; }

    /// <summary>The prompt folder: <see cref="Prompts"/> itself when it holds a template, else
    /// <c>Prompts/Prompt</c>.</summary>
    public string Folder => File.Exists(Path.Combine(Prompts, PromptLoader.TemplateFile))
        ? Prompts
        : Path.Combine(Prompts, Prompt);

    /// <summary>The prompt folder <paramref name="pathOrName"/> names: a folder holding a template, else a prompt
    /// folder of that name inside <see cref="Prompts"/> (<c>--compare stance-reasoned</c>).</summary>
    public string FolderOf(string pathOrName) =>
        File.Exists(Path.Combine(pathOrName, PromptLoader.TemplateFile))
        || !Directory.Exists(Path.Combine(Prompts, pathOrName))
            ? pathOrName
            : Path.Combine(Prompts, pathOrName);
}

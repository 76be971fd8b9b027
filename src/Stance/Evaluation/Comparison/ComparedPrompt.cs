namespace Stance.Evaluation.Comparison;

/// <summary>One side of a comparison: the prompt's name, its folder and the SHA-256 of its text.</summary>
/// <param name="Name">The prompt's name.</param>
/// <param name="Folder">The folder the prompt was read from.</param>
/// <param name="Sha256">The hex SHA-256 of the prompt.</param>
internal sealed record ComparedPrompt(string Name, string Folder, string Sha256)
{
    /// <summary>The first 12 characters of <see cref="Sha256"/>, enough to tell prompts apart in a title.</summary>
    public string ShortSha256 => Sha256.Length > 12 ? Sha256[..12] : Sha256;

    /// <summary>The name and short hash, as titles show a prompt.</summary>
    public string Label => $"{Name} {ShortSha256}";
}

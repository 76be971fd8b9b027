namespace Stance.Prompts;

/// <summary>A prompt folder the job cannot use; <see cref="Path"/> names the file.</summary>
internal sealed class PromptException(string path, string reason) : Exception($"{path}: {reason}")
{
    /// <summary>The file or folder at fault.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}

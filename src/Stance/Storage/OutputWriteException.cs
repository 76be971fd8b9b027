namespace Stance.Storage;

/// <summary>Writing a table part, the commit or the manifest failed; names the path and the operating system's
/// error.</summary>
internal sealed class OutputWriteException(string path, Exception inner, string action = "write")
    : IOException($"could not {action} {path}: {inner.Message.TrimEnd('.')}", inner)
{
    /// <summary>The file or folder that could not be written.</summary>
    public string Path { get; } = path;
}

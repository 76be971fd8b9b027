namespace Stance.Storage;

/// <summary>Writes files so that a reader or a crash never sees half of one: temporary name, fsync, atomic
/// rename.</summary>
internal static class DurableFile
{
    /// <summary>The hidden temporary name beside <paramref name="path"/>, outside <c>*.parquet</c> and <c>*.json</c>
    /// globs.</summary>
    public static string TemporaryName(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.tmp");

    /// <summary>Writes through <paramref name="write"/> to a temporary file, flushes it to disk and (unless the caller
    /// renames it later, at a commit) renames it into place.</summary>
    public static async Task WriteAsync(
        string path,
        Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken,
        bool renameIntoPlace = true)
    {
        try
        {
            await WriteUncheckedAsync(path, write, renameIntoPlace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not OutputWriteException)
        {
            throw new OutputWriteException(path, ex);
        }
    }

    private static async Task WriteUncheckedAsync(
        string path,
        Func<Stream, CancellationToken, Task> write,
        bool renameIntoPlace,
        CancellationToken cancellationToken)
    {
        CreateFolder(Path.GetDirectoryName(path)!);
        var temporary = TemporaryName(path);
        var stream = new FileStream(
            temporary,
            FileMode.Create,
            FileAccess.Write,
            FileShare.None,
            1 << 16,
            FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await write(stream, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        if (renameIntoPlace)
        {
            File.Move(temporary, path, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
        }
    }

    /// <summary>Creates <paramref name="folder"/> and any missing parents, syncing the parent of each one it creates,
    /// so that a new partition folder (and what is committed into it) survives a power loss.</summary>
    private static void CreateFolder(string folder)
    {
        var missing = new Stack<string>();
        for (var current = Path.GetFullPath(folder);
            !Directory.Exists(current);
            current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
            if (Path.GetDirectoryName(current) is null)
            {
                break;
            }
        }

        Directory.CreateDirectory(folder);
        while (missing.TryPop(out var created))
        {
            DirectorySync.Flush(Path.GetDirectoryName(created)!);
        }
    }

    /// <summary>Writes <paramref name="text"/> durably to <paramref name="path"/>.</summary>
    public static Task WriteTextAsync(string path, string text, CancellationToken cancellationToken) =>
        WriteAsync(
            path,
            (stream, ct) => stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct).AsTask(),
            cancellationToken);
}

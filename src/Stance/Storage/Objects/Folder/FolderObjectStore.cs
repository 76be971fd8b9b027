namespace Stance.Storage.Objects.Folder;

/// <summary>The object-store contract over a local folder, so that what sharded runs share through a store (the
/// run's record, the shard manifests, the commit marker, the per-shard locks, the journal's copy) works the same on a
/// folder that every shard sees (one machine, or a shared volume with working <c>flock</c>).</summary>
/// <remarks>Each object is a file at its key, written to a temporary name, flushed and renamed into place, so it
/// appears whole. Conditional writes and deletes are checked and applied under an exclusive lock on
/// <c>.stance/objects.lock</c>, held by one process at a time. An object's ETag is its modification time and size.
/// Staged uploads wait as files under <c>.stance/staged/</c> and are renamed into place to complete.</remarks>
internal sealed partial class FolderObjectStore(string root) : IObjectStore
{
    private const string LockKey = ".stance/objects.lock";
    private const string StagedFolder = ".stance/staged/";

    /// <inheritdoc />
    public string Location { get; } = Path.GetFullPath(root);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Location))
        {
            return Task.FromResult<IReadOnlyList<StoredObject>>([]);
        }

        // From the deepest folder the prefix names, not the whole tree.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? Location : PathOf(prefix[..slash]);
        if (!Directory.Exists(start))
        {
            return Task.FromResult<IReadOnlyList<StoredObject>>([]);
        }

        return Task.FromResult<IReadOnlyList<StoredObject>>([.. Directory
            .EnumerateFiles(start, "*", SearchOption.AllDirectories)
            .Select(KeyOf)
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal) && IsObject(key))
            .Order(StringComparer.Ordinal)
            .Select(key => Stat(key))
            .OfType<StoredObject>()]);
    }

    /// <inheritdoc />
    public async Task<bool> DownloadAsync(string key, Stream destination, CancellationToken cancellationToken)
    {
        FileStream source;
        try
        {
            source = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<string?> PutAsync(
        string key,
        Stream content,
        WriteCondition condition,
        CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var temporary = await WriteTemporaryAsync(path, content, cancellationToken).ConfigureAwait(false);
        try
        {
            if (condition.Kind == WriteConditionKind.None)
            {
                Place(temporary, path);
                return Stat(key)?.ETag;
            }

            using var gate = await LockAsync(cancellationToken).ConfigureAwait(false);
            var current = Stat(key);
            if ((condition.Kind == WriteConditionKind.IfAbsent && current is not null)
                || (condition.Kind == WriteConditionKind.IfMatch && current?.ETag != condition.ETag))
            {
                return null;
            }

            Place(temporary, path);
            return Stat(key)?.ETag;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken, string? ifMatch = null)
    {
        var path = PathOf(key);
        if (ifMatch is null)
        {
            Remove(path);
            return true;
        }

        using var gate = await LockAsync(cancellationToken).ConfigureAwait(false);
        if (Stat(key) is { } current && current.ETag != ifMatch)
        {
            return false;
        }

        Remove(path);
        return true;
    }

    private static void Remove(string path)
    {
        try
        {
            File.Delete(path);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing to delete.
        }
    }

    // The ETag is the file's modification time (to 100 ns) and size: every write renames a new file into place, so
    // it changes with every write, and reading it needs no access to the content (a lock file may be held).
    private StoredObject? Stat(string key)
    {
        var file = new FileInfo(PathOf(key));
        return file.Exists
            ? new StoredObject(key, file.Length, $"\"{file.LastWriteTimeUtc.Ticks:x}-{file.Length:x}\"")
            : null;
    }

    private static bool IsObject(string key) =>
        key != LockKey
        && !key.StartsWith(StagedFolder, StringComparison.Ordinal)
        && !Path.GetFileName(key).StartsWith(".~", StringComparison.Ordinal);

    private string PathOf(string key)
    {
        if (key.Split('/').Any(segment => segment is ".." or "."))
        {
            throw new ObjectStoreException($"{Location}: the key '{key}' leaves the folder");
        }

        return Path.Combine(Location, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private string KeyOf(string path) => Path.GetRelativePath(Location, path).Replace('\\', '/');

    private static async Task<string> WriteTemporaryAsync(
        string path,
        Stream content,
        CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".~{Guid.NewGuid():N}.tmp");
        var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16,
            FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        return temporary;
    }

    private static void Place(string temporary, string path)
    {
        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
    }

    // One process at a time checks and applies a condition: an exclusive lock on a file (flock), waited for.
    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var path = PathOf(LockKey);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var wait = 1; ; wait = Math.Min(wait * 2, 50))
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

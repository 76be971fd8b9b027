namespace Stance.Storage.Objects.Folder;

/// <summary>Staged uploads of a folder store: a data file and a file naming its key, under
/// <c>.stance/staged/</c>.</summary>
internal sealed partial class FolderObjectStore
{
    /// <inheritdoc />
    public async Task<PendingUpload> StageAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        _ = PathOf(key);
        var id = Guid.NewGuid().ToString("N");
        var data = PathOf($"{StagedFolder}{id}.data");
        // The key first: a data file is listed (and aborted by a recovery) only once its key is known.
        Directory.CreateDirectory(Path.GetDirectoryName(data)!);
        await File.WriteAllTextAsync(PathOf($"{StagedFolder}{id}.key"), key, cancellationToken)
            .ConfigureAwait(false);
        var temporary = await WriteTemporaryAsync(data, content, cancellationToken).ConfigureAwait(false);
        Place(temporary, data);
        return new PendingUpload(key, id, [id]);
    }

    /// <inheritdoc />
    public Task CompleteAsync(PendingUpload upload, CancellationToken cancellationToken)
    {
        var data = PathOf($"{StagedFolder}{upload.UploadId}.data");
        var path = PathOf(upload.Key);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Move(data, path, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
        }
        catch (FileNotFoundException) when (File.Exists(path))
        {
            // Completed by an earlier attempt (like S3, a gone upload with its object there counts as completed).
        }
        catch (FileNotFoundException ex)
        {
            throw new ObjectStoreException($"{Location}/{upload.Key}: the staged upload is gone", ex)
            {
                UploadGone = true,
            };
        }

        File.Delete(PathOf($"{StagedFolder}{upload.UploadId}.key"));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PendingUpload>> ListPendingAsync(
        string prefix,
        CancellationToken cancellationToken)
    {
        var folder = PathOf(StagedFolder.TrimEnd('/'));
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var pending = new List<PendingUpload>();
        foreach (var keyFile in Directory.EnumerateFiles(folder, "*.key"))
        {
            var id = Path.GetFileNameWithoutExtension(keyFile);
            string key;
            try
            {
                key = await File.ReadAllTextAsync(keyFile, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                continue; // completed or aborted meanwhile
            }

            if (key.StartsWith(prefix, StringComparison.Ordinal) && File.Exists(Path.ChangeExtension(keyFile, ".data")))
            {
                pending.Add(new PendingUpload(key, id, [id]));
            }
        }

        return pending;
    }

    /// <inheritdoc />
    public Task AbortAsync(PendingUpload upload, CancellationToken cancellationToken)
    {
        File.Delete(PathOf($"{StagedFolder}{upload.UploadId}.data"));
        File.Delete(PathOf($"{StagedFolder}{upload.UploadId}.key"));
        return Task.CompletedTask;
    }
}

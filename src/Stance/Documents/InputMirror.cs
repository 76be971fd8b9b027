using System.Text.Json;
using Stance.Storage.Objects;

namespace Stance.Documents;

/// <summary>Brings an object-store input (<c>--input s3://…</c>, <c>az://…</c>) into a local folder, so it is read by
/// the same reader with the same document rules: each object is streamed to disk (never held whole in memory), only
/// objects whose ETag changed since the last run are downloaded again, and files whose object is gone are
/// removed.</summary>
internal static class InputMirror
{
    private const string Index = ".stance-input.json";

    /// <summary>Makes <paramref name="folder"/> hold exactly the objects under <paramref name="store"/>'s root;
    /// returns how many were downloaded.</summary>
    public static async Task<int> SyncAsync(IObjectStore store, string folder, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        var indexPath = Path.Combine(root, Index);
        var known = File.Exists(indexPath)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(indexPath,
                cancellationToken).ConfigureAwait(false)) ?? []
            : [];
        var objects = await store.ListAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        var downloaded = 0;
        foreach (var item in objects)
        {
            var local = Path.GetFullPath(Path.Combine(root, item.Key));
            if (!local.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || item.Key.EndsWith('/'))
            {
                continue; // a folder marker, or a key that would land outside the folder ("../x")
            }

            index[item.Key] = item.ETag;
            if (known.GetValueOrDefault(item.Key) == item.ETag && File.Exists(local))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            var temporary = local + ".download";
            var file = File.Create(temporary);
            await using (file.ConfigureAwait(false))
            {
                await store.DownloadAsync(item.Key, file, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, local, overwrite: true);
            downloaded++;
        }

        foreach (var stale in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToList())
        {
            var key = Path.GetRelativePath(root, stale).Replace('\\', '/');
            if (key != Index && !index.ContainsKey(key))
            {
                File.Delete(stale);
            }
        }

        await File.WriteAllTextAsync(indexPath, JsonSerializer.Serialize(index), cancellationToken)
            .ConfigureAwait(false);
        return downloaded;
    }
}

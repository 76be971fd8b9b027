using System.Collections.Concurrent;
using System.Security.Cryptography;
using Stance.Storage.Objects;

namespace Stance.Tests.Support;

/// <summary>An object store in memory that keeps the contract the real stores keep (it passes
/// <c>ObjectStoreContract</c>), for fast tests of what is built on it; <see cref="FailAfter"/> makes it fail like a
/// process that died mid-way.</summary>
internal sealed class MemoryObjectStore : IObjectStore
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, (byte[] Content, string ETag)> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Key, byte[] Content)> _uploads = [];

    /// <summary>After this many more write operations (put, delete, stage, complete, abort), every operation throws
    /// <see cref="ObjectStoreException"/>; null: never.</summary>
    public int? FailAfter { get; set; }

    /// <summary>Called before each write operation with its description ("put key", …); may throw to fail it.</summary>
    public Action<string>? OnWrite { get; set; }

    /// <summary>Every write operation, in order ("put key", "delete key", "complete key", …).</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public string Location => "memory://test";

    public IReadOnlyCollection<string> Keys
    {
        get
        {
            lock (_gate)
            {
                return [.. _objects.Keys];
            }
        }
    }

    public Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredObject>>([.. _objects
                .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(o => new StoredObject(o.Key, o.Value.Content.Length, o.Value.ETag))]);
        }
    }

    public async Task<bool> DownloadAsync(string key, Stream destination, CancellationToken cancellationToken)
    {
        byte[] content;
        lock (_gate)
        {
            if (!_objects.TryGetValue(key, out var found))
            {
                return false;
            }

            content = found.Content;
        }

        await destination.WriteAsync(content, cancellationToken);
        return true;
    }

    public async Task<string?> PutAsync(
        string key,
        Stream content,
        WriteCondition condition,
        CancellationToken cancellationToken)
    {
        var bytes = await ReadAllAsync(content, cancellationToken);
        lock (_gate)
        {
            Operation($"put {key}");
            var exists = _objects.TryGetValue(key, out var current);
            if ((condition.Kind == WriteConditionKind.IfAbsent && exists)
                || (condition.Kind == WriteConditionKind.IfMatch && (!exists || current.ETag != condition.ETag)))
            {
                return null;
            }

            var etag = $"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}-{Log.Count}\"";
            _objects[key] = (bytes, etag);
            return etag;
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken, string? ifMatch = null)
    {
        lock (_gate)
        {
            Operation($"delete {key}");
            if (ifMatch is not null && _objects.TryGetValue(key, out var current) && current.ETag != ifMatch)
            {
                return Task.FromResult(false);
            }

            _objects.Remove(key);
            return Task.FromResult(true);
        }
    }

    public async Task<PendingUpload> StageAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var bytes = await ReadAllAsync(content, cancellationToken);
        lock (_gate)
        {
            Operation($"stage {key}");
            var id = Guid.NewGuid().ToString("N");
            _uploads[id] = (key, bytes);
            return new PendingUpload(key, id, ["1"]);
        }
    }

    public Task CompleteAsync(PendingUpload upload, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Operation($"complete {upload.Key}");
            if (_uploads.Remove(upload.UploadId, out var staged))
            {
                _objects[upload.Key] = (staged.Content, $"\"{upload.UploadId}\"");
            }
            else if (!_objects.TryGetValue(upload.Key, out var done) || done.ETag != $"\"{upload.UploadId}\"")
            {
                throw new ObjectStoreException($"memory://test/{upload.Key}: the upload is gone")
                {
                    UploadGone = true,
                };
            }

            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<PendingUpload>> ListPendingAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<PendingUpload>>([.. _uploads
                .Where(u => u.Value.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(u => new PendingUpload(u.Value.Key, u.Key, ["1"]))]);
        }
    }

    public Task AbortAsync(PendingUpload upload, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Operation($"abort {upload.Key}");
            _uploads.Remove(upload.UploadId);
            return Task.CompletedTask;
        }
    }

    private void Operation(string what)
    {
        OnWrite?.Invoke(what);
        if (FailAfter is { } left)
        {
            if (left <= 0)
            {
                throw new ObjectStoreException($"memory://test: failing as asked ({what})");
            }

            FailAfter = left - 1;
        }

        Log.Enqueue(what);
    }

    private static async Task<byte[]> ReadAllAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}

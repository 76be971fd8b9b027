using System.Runtime.InteropServices;

namespace Stance.Storage;

/// <summary>Flushes a folder's entries to disk (<c>fsync</c> on the folder itself): after a rename, a delete or a new
/// file, the name change is durable only once its folder is synced, or a power loss can undo a commit already reported.
/// On Windows, where a folder cannot be opened for syncing, renames are durable through the file system's own
/// journal.</summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux x64 and arm64

    // The folders synced in this process and how often (a few per run; observable by tests).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> s_synced =
        new(StringComparer.Ordinal);

    /// <summary>How often <paramref name="folder"/> was synced in this process.</summary>
    public static int TimesSynced(string folder) => s_synced.GetValueOrDefault(Path.GetFullPath(folder));

    /// <summary>Syncs each distinct folder of <paramref name="folders"/>.</summary>
    public static void Flush(IEnumerable<string> folders)
    {
        foreach (var folder in folders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            Flush(folder);
        }
    }

    /// <summary>Syncs <paramref name="folder"/>; throws <see cref="OutputWriteException"/> when the system
    /// refuses.</summary>
    public static void Flush(string folder)
    {
        folder = Path.GetFullPath(folder);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var flags = OperatingSystem.IsLinux() ? ReadOnly | Directory : ReadOnly;
        var fd = Open(folder, flags);
        if (fd < 0)
        {
            throw new OutputWriteException(folder, new IOException(Marshal.GetLastPInvokeErrorMessage()));
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new OutputWriteException(folder, new IOException(Marshal.GetLastPInvokeErrorMessage()));
            }
        }
        finally
        {
            _ = Close(fd);
        }

        s_synced.AddOrUpdate(folder, 1, (_, n) => n + 1);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

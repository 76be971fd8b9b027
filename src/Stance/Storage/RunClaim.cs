using System.Globalization;

namespace Stance.Storage;

/// <summary>An exclusive claim on a folder's or a file's use by one run: an operating-system lock on a lock file
/// (<c>flock</c> on Linux and macOS, a sharing lock on Windows), held open for the run. The kernel drops it when the
/// process ends, however it ends, so a claim left by a killed run is simply taken over. Who holds it is written beside
/// it, so a run that finds it held can say by whom. Like SQLite's WAL, it needs a local file system (not
/// NFS).</summary>
internal sealed class RunClaim : IDisposable
{
    // What .NET reports when another process holds the lock: ERROR_SHARING_VIOLATION as an HRESULT on Windows, the
    // errno EWOULDBLOCK (EAGAIN, 11 on Linux; 35 on macOS) of flock on Unix.
    private const int SharingViolation = unchecked((int)0x80070020);
    private static readonly int WouldBlock = OperatingSystem.IsMacOS() ? 35 : 11;

    private readonly FileStream _lock;

    private RunClaim(FileStream @lock) => _lock = @lock;

    /// <summary>Takes the claim on <paramref name="lockPath"/>, or throws <see cref="ClaimHeldException"/> naming the
    /// holder.</summary>
    public static RunClaim Acquire(string lockPath, string what)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(lockPath))!);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.HResult == SharingViolation || ex.HResult == WouldBlock)
        {
            throw new ClaimHeldException(what, Holder(lockPath), ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputWriteException(lockPath, ex);
        }

        try
        {
            // Best effort: who holds the claim, for the message of a run that finds it held.
            var holder = string.Create(
                CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} on {Environment.MachineName}, " +
                $"since {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z");
            File.WriteAllText(HolderPath(lockPath), holder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw new OutputWriteException(HolderPath(lockPath), ex);
        }

        return new RunClaim(stream);
    }

    public void Dispose() => _lock.Dispose();

    private static string HolderPath(string lockPath) => lockPath + ".holder";

    private static string Holder(string lockPath)
    {
        try
        {
            return File.ReadAllText(HolderPath(lockPath)).Trim();
        }
        catch (IOException)
        {
            return "another process";
        }
    }
}

using System.Globalization;

namespace Stance.Output;

/// <summary>An exclusive claim on a folder's or a file's use by one run: an operating-system lock on a lock file
/// (<c>flock</c> on Linux and macOS, a sharing lock on Windows), held open for the run. The kernel drops it when the
/// process ends, however it ends, so a claim left by a killed run is simply taken over. Who holds it is written beside
/// it, so a run that finds it held can say by whom. Like SQLite's WAL, it needs a local file system (not NFS).</summary>
internal sealed class RunClaim : IDisposable
{
    private readonly FileStream _lock;

    private RunClaim(FileStream @lock) => _lock = @lock;

    /// <summary>Takes the claim on <paramref name="lockPath"/>, or throws <see cref="ClaimHeldException"/> naming the holder.</summary>
    public static RunClaim Acquire(string lockPath, string what)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(lockPath))!);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new ClaimHeldException(what, Holder(lockPath), ex);
        }

        var holder = string.Create(CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId} on {Environment.MachineName}, since {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z");
        File.WriteAllText(HolderPath(lockPath), holder);
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

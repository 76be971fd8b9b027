using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Stance.Scoring.Local;

/// <summary>The SHA-256 of a model file, the identity of a local model: a file replaced under the same name is another
/// model. A multi-GB file is not hashed every night: the hash is kept in a small record under the model cache folder
/// (<c>&lt;CacheFolder&gt;/hashes/&lt;SHA-256 of the full path&gt;.json</c>, since the model's own folder may be
/// read-only) with the file's full path, size and last write time, and reused while all three match.</summary>
internal static partial class ModelFileHash
{
    /// <summary>The folder of the hash records, under the model cache folder.</summary>
    public const string FolderName = "hashes";

    /// <summary>The file's SHA-256 (lower-case hex), from its record when path, size and last write time match, else
    /// computed and recorded. A record that cannot be written (a read-only cache folder) only costs a new hash next
    /// time.</summary>
    public static string Sha256(string path, string cacheFolder, ILogger? logger = null)
    {
        var file = new FileInfo(Path.GetFullPath(path));
        var record = RecordPath(file.FullName, cacheFolder);
        var stamp = new HashRecord(file.FullName, file.Length, file.LastWriteTimeUtc.Ticks, string.Empty);
        if (Read(record) is { } known && known with { Sha256 = string.Empty } == stamp && IsHex(known.Sha256))
        {
            return known.Sha256;
        }

        if (logger is not null)
        {
            LogHashing(logger, file.Name, file.Length / 1048576.0, record);
        }

        string sha;
        using (var stream = file.OpenRead())
        {
            sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        Write(record, stamp with { Sha256 = sha });
        return sha;
    }

    /// <summary>Where the record of <paramref name="fullPath"/> is kept.</summary>
    public static string RecordPath(string fullPath, string cacheFolder) => Path.Combine(
        cacheFolder, FolderName, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fullPath))) + ".json");

    private static HashRecord? Read(string record)
    {
        try
        {
            return File.Exists(record) ? JsonSerializer.Deserialize<HashRecord>(File.ReadAllText(record)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static void Write(string record, HashRecord value)
    {
        var temporary = $"{record}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(record)!);
            File.WriteAllText(temporary, JsonSerializer.Serialize(value));
            File.Move(temporary, record, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information,
        Message = "Hashing model file {File} ({SizeMb:F1} MB) for its identity; the hash is kept in {Record}")]
    private static partial void LogHashing(ILogger logger, string file, double sizeMb, string record);

    private static bool IsHex(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigitLower);

    private sealed record HashRecord(string Path, long Size, long LastWriteTicks, string Sha256);
}

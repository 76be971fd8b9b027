namespace Stance.Documents;

/// <summary>How the input folder is read.</summary>
/// <param name="Output">The job's output folder: never read (its tables, manifests and reports are not input).</param>
/// <param name="Journal">The journal file: never read (null: the default one, inside the output's
/// <c>.stance</c>).</param>
/// <param name="MaxDocumentBytes">The largest <c>.txt</c> / <c>.md</c> file and the longest JSONL line read; a larger
/// one is a bad document, reported and skipped (<c>Stance:MaxDocumentBytes</c>).</param>
/// <param name="Owns">Which documents (by id) and bad files (by path) this process handles: a shard's part of the
/// input; null: all.</param>
internal sealed record ReadOptions(
    string? Output = null,
    string? Journal = null,
    long MaxDocumentBytes = ReadOptions.DefaultMaxDocumentBytes,
    Func<string, bool>? Owns = null)
{
    /// <summary>64 MiB: a commentary is kilobytes; anything near this is an export or a mistake, not one
    /// document.</summary>
    public const long DefaultMaxDocumentBytes = 64L * 1024 * 1024;

    /// <summary>No excluded paths, the default size limit.</summary>
    public static ReadOptions Default { get; } = new();

    /// <summary>A size for messages: <c>80.0 MiB</c>.</summary>
    internal static string Size(long bytes) => bytes >= 1024 * 1024
        ? $"{bytes / 1048576.0:F1} MiB"
        : $"{bytes:N0} bytes";
}

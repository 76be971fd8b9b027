using Microsoft.Extensions.Logging;
using Parquet;
using Parquet.Serialization;

namespace Stance.Output;

/// <summary>Writes the two tables as Hive-partitioned Parquet part files under the output folder.</summary>
/// <remarks>
/// Each part file is written under a hidden temporary name outside the <c>*.parquet</c> glob, flushed to disk and then
/// renamed into place, so a reader never sees a partial file. A run replaces its run date's partition: once its own
/// parts are in place, the parts of earlier runs of the same date are removed.
/// </remarks>
internal sealed partial class ParquetOutput(ILogger<ParquetOutput> logger)
{
    /// <summary>The version of the table layout, written into each file's metadata.</summary>
    public const string SchemaVersion = "1";

    /// <summary>Writes both tables for one run; returns the part files written, relative to the output folder.</summary>
    public async Task<IReadOnlyList<string>> WriteAsync(
        string outputFolder,
        RunStamp run,
        IReadOnlyList<ParagraphRow> paragraphs,
        IReadOnlyList<TargetRow> targets,
        CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>
        {
            ["run_id"] = run.RunId,
            ["prompt_sha256"] = run.PromptSha256,
            ["provider"] = run.Provider,
            ["model"] = run.Model,
            ["stance_schema_version"] = SchemaVersion,
        };

        var written = new List<string>
        {
            await WritePartAsync(outputFolder, "paragraphs", run, paragraphs, metadata, cancellationToken).ConfigureAwait(false),
            await WritePartAsync(outputFolder, "targets", run, targets, metadata, cancellationToken).ConfigureAwait(false),
        };
        LogWritten(logger, paragraphs.Count, written[0], targets.Count, written[1]);

        foreach (var table in new[] { "paragraphs", "targets" })
        {
            foreach (var stale in Directory.EnumerateFiles(PartitionFolder(outputFolder, table, run), "part-*.parquet")
                .Where(path => !Path.GetFileName(path).StartsWith(PartPrefix(run), StringComparison.Ordinal)))
            {
                File.Delete(stale);
                LogReplaced(logger, stale);
            }
        }

        return written;
    }

    /// <summary>The Hive partition folder of a table for the run's date.</summary>
    public static string PartitionFolder(string outputFolder, string table, RunStamp run) =>
        Path.Combine(outputFolder, table, $"run_date={run.RunDate:yyyy-MM-dd}");

    private static string PartPrefix(RunStamp run) => $"part-{run.RunId}-";

    private static async Task<string> WritePartAsync<T>(
        string outputFolder,
        string table,
        RunStamp run,
        IReadOnlyList<T> rows,
        Dictionary<string, string> metadata,
        CancellationToken cancellationToken)
    {
        var folder = PartitionFolder(outputFolder, table, run);
        Directory.CreateDirectory(folder);
        var name = $"{PartPrefix(run)}00000.parquet";
        var final = Path.Combine(folder, name);
        var temporary = Path.Combine(folder, $".{name}.tmp");

        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Zstd }, metadata, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, final, overwrite: true);
        return Path.GetRelativePath(outputFolder, final).Replace('\\', '/');
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Wrote {ParagraphRows} paragraph rows to {ParagraphsFile} and {TargetRows} target rows to {TargetsFile}")]
    private static partial void LogWritten(ILogger logger, int paragraphRows, string paragraphsFile, int targetRows, string targetsFile);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Replaced an earlier run's part of the same run date: {Path}")]
    private static partial void LogReplaced(ILogger logger, string path);
}

/// <summary>What identifies one run in every row and file.</summary>
internal sealed record RunStamp(string RunId, DateOnly RunDate, string Provider, string Model, string PromptName, string PromptSha256);

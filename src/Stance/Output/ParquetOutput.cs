using System.Text.Json;
using Microsoft.Extensions.Logging;
using Parquet;
using Parquet.Serialization;
using Stance.Journal;

namespace Stance.Output;

/// <summary>Writes the two tables as Hive-partitioned Parquet part files under the output folder.</summary>
/// <remarks>
/// A run owns its run date's partition. Its parts are first written under hidden temporary names (outside the
/// <c>*.parquet</c> glob) and flushed to disk; then a commit record listing the earlier parts to delete and the new
/// parts to rename is written durably; then the old parts are deleted and the new ones renamed into place, each step
/// atomic; then the record is removed. A crash at any point is finished (rolled forward) by the next run's
/// <see cref="Recover"/>, so a reader never sees a partial file or two rows for one paragraph.
/// </remarks>
internal sealed partial class ParquetOutput(ILogger<ParquetOutput> logger)
{
    /// <summary>The version of the table layout, written into each file's metadata.</summary>
    public const string SchemaVersion = "1";

    private static readonly string[] s_tables = ["paragraphs", "targets"];

    /// <summary>Finishes a commit that a crash interrupted and removes temporary files that no commit refers to.</summary>
    public void Recover(string outputFolder)
    {
        var record = CommitRecordPath(outputFolder);
        if (File.Exists(record))
        {
            var plan = JsonSerializer.Deserialize<CommitPlan>(File.ReadAllText(record))!;
            LogRecovering(logger, plan.Renames.Count, plan.Deletes.Count);
            Apply(outputFolder, plan);
            File.Delete(record);
        }

        foreach (var table in s_tables.Select(t => Path.Combine(outputFolder, t)).Where(Directory.Exists))
        {
            foreach (var orphan in Directory.EnumerateFiles(table, ".part-*.tmp", SearchOption.AllDirectories))
            {
                File.Delete(orphan);
            }
        }
    }

    /// <summary>Writes both tables for one run; returns the part files, relative to the output folder.</summary>
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
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd };

        var renames = new List<CommitRename>
        {
            await WriteTemporaryAsync(outputFolder, "paragraphs", run, paragraphs, options, metadata, cancellationToken).ConfigureAwait(false),
            await WriteTemporaryAsync(outputFolder, "targets", run, targets, options, metadata, cancellationToken).ConfigureAwait(false),
        };
        var finals = renames.Select(r => r.To).ToHashSet(StringComparer.Ordinal);
        var deletes = s_tables
            .Select(table => PartitionFolder(outputFolder, table, run))
            .SelectMany(folder => Directory.EnumerateFiles(folder, "part-*.parquet"))
            .Select(path => Relative(outputFolder, path))
            .Where(path => !finals.Contains(path))
            .ToList();

        var plan = new CommitPlan(deletes, renames);
        var record = CommitRecordPath(outputFolder);
        await DurableFile.WriteTextAsync(record, JsonSerializer.Serialize(plan), cancellationToken).ConfigureAwait(false);
        Apply(outputFolder, plan);
        File.Delete(record);

        LogWritten(logger, paragraphs.Count, renames[0].To, targets.Count, renames[1].To);
        foreach (var replaced in deletes)
        {
            LogReplaced(logger, replaced);
        }

        return [.. finals];
    }

    /// <summary>The Hive partition folder of a table for the run's date.</summary>
    public static string PartitionFolder(string outputFolder, string table, RunStamp run) =>
        Path.Combine(outputFolder, table, $"run_date={run.RunDate:yyyy-MM-dd}");

    private static async Task<CommitRename> WriteTemporaryAsync<T>(string outputFolder, string table, RunStamp run, IReadOnlyList<T> rows,
        ParquetOptions options, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var final = Path.Combine(PartitionFolder(outputFolder, table, run), $"part-{run.RunId}-00000.parquet");
        var temporary = DurableFile.TemporaryName(final);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await ParquetSerializer.SerializeAsync(rows, stream, options, metadata, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        return new CommitRename(Relative(outputFolder, temporary), Relative(outputFolder, final));
    }

    private static void Apply(string outputFolder, CommitPlan plan)
    {
        foreach (var delete in plan.Deletes)
        {
            File.Delete(Path.Combine(outputFolder, delete));
        }

        foreach (var rename in plan.Renames)
        {
            var from = Path.Combine(outputFolder, rename.From);
            if (File.Exists(from))
            {
                File.Move(from, Path.Combine(outputFolder, rename.To), overwrite: true);
            }
        }
    }

    private static string CommitRecordPath(string outputFolder) => Path.Combine(outputFolder, ".stance", "commit.json");

    private static string Relative(string outputFolder, string path) => Path.GetRelativePath(outputFolder, path).Replace('\\', '/');

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Wrote {ParagraphRows} paragraph rows to {ParagraphsFile} and {TargetRows} target rows to {TargetsFile}")]
    private static partial void LogWritten(ILogger logger, int paragraphRows, string paragraphsFile, int targetRows, string targetsFile);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Replaced an earlier run's part of the same run date: {Path}")]
    private static partial void LogReplaced(ILogger logger, string path);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Finishing a commit interrupted by a crash: {Renames} renames, {Deletes} deletes")]
    private static partial void LogRecovering(ILogger logger, int renames, int deletes);

    private sealed record CommitPlan(List<string> Deletes, List<CommitRename> Renames);

    private sealed record CommitRename(string From, string To);
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using Parquet;
using Parquet.Serialization;
using Stance.Journal;
using Stance.Storage;

namespace Stance.Output;

/// <summary>Writes the two tables as Hive-partitioned Parquet part files under the output folder.</summary>
/// <remarks>
/// Rows stream in; every <c>RowsPerPart</c> rows a part file is written under a hidden temporary name (outside the
/// <c>*.parquet</c> glob) and flushed to disk, so memory does not grow with the corpus. At the end the run replaces, in
/// its run date's partition, the rows of the documents it read (<see cref="ReplaceMode.Documents"/>, the default): an
/// earlier part that holds none of them stays as it is; one that holds some is replaced, its other rows carried into
/// the run's own parts. With <see cref="ReplaceMode.Date"/> every earlier part of the date is replaced. A commit record
/// listing the parts to delete and the new parts to rename is written durably; then the old parts are deleted and the
/// new ones renamed into place, each step atomic, and the folders synced; then the record is removed. A crash at any
/// point is finished (rolled forward) by the next run's <see cref="Recover"/>, so a reader never sees a partial file or
/// two rows for one paragraph (old rows disappear before new ones appear: at worst, briefly, fewer).
/// </remarks>
internal sealed partial class ParquetOutput(ILogger<ParquetOutput> logger)
{
    /// <summary>The version of the table layout, written into each file's metadata.</summary>
    public const string SchemaVersion = "3";

    /// <summary>The default number of rows in one part file.</summary>
    public const int DefaultRowsPerPart = 10_000;

    /// <summary>The tables a run writes.</summary>
    internal static readonly string[] Tables = ["paragraphs", "targets"];

    /// <summary>Finishes a commit that a crash interrupted and removes temporary files that no commit refers
    /// to.</summary>
    public void Recover(string outputFolder)
    {
        var record = CommitRecordPath(outputFolder);
        if (File.Exists(record))
        {
            var plan = JsonSerializer.Deserialize<CommitPlan>(File.ReadAllText(record))!;
            LogRecovering(logger, plan.Renames.Count, plan.Deletes.Count);
            Apply(outputFolder, plan);
            File.Delete(record);
            DirectorySync.Flush(Path.GetDirectoryName(record)!);
        }

        foreach (var table in Tables.Select(t => Path.Combine(outputFolder, t)).Where(Directory.Exists))
        {
            foreach (var orphan in Directory.EnumerateFiles(table, ".part-*.tmp", SearchOption.AllDirectories))
            {
                File.Delete(orphan);
            }
        }
    }

    /// <summary>Starts writing a run's tables.</summary>
    public RunTables Begin(
        string outputFolder,
        RunStamp run,
        int rowsPerPart = DefaultRowsPerPart,
        ReplaceMode replace = ReplaceMode.Documents) =>
        new(this, outputFolder, run, rowsPerPart, replace);

    /// <summary>Writes both tables for one run at once; returns the part files, relative to the output
    /// folder.</summary>
    public async Task<IReadOnlyList<string>> WriteAsync(
        string outputFolder,
        RunStamp run,
        IReadOnlyList<ParagraphRow> paragraphs,
        IReadOnlyList<TargetRow> targets,
        CancellationToken cancellationToken)
    {
        var tables = Begin(outputFolder, run, replace: ReplaceMode.Date);
        foreach (var row in paragraphs)
        {
            await tables.AddParagraphAsync(row, cancellationToken).ConfigureAwait(false);
        }

        foreach (var row in targets)
        {
            await tables.AddTargetAsync(row, cancellationToken).ConfigureAwait(false);
        }

        return (await tables.CommitAsync(cancellationToken).ConfigureAwait(false)).Files;
    }

    /// <summary>The Hive partition folder of a table for the run's date.</summary>
    public static string PartitionFolder(string outputFolder, string table, RunStamp run) =>
        Path.Combine(outputFolder, table, $"run_date={run.RunDate:yyyy-MM-dd}");

    /// <summary>The committed part files of a table for the run's date, relative to the output folder.</summary>
    internal static IEnumerable<string> CommittedParts(string outputFolder, string table, RunStamp run)
    {
        var folder = PartitionFolder(outputFolder, table, run);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "part-*.parquet")
                .Select(path => Relative(outputFolder, path))
                .Order(StringComparer.Ordinal)
            : [];
    }

    internal async Task<IReadOnlyList<string>> CommitAsync(
        string outputFolder,
        RunStamp run,
        List<CommitRename> renames,
        List<string> deletes,
        CancellationToken cancellationToken)
    {
        var finals = renames.Select(r => r.To).ToHashSet(StringComparer.Ordinal);
        var plan = new CommitPlan([.. deletes.Where(path => !finals.Contains(path))], renames);
        var record = CommitRecordPath(outputFolder);
        await DurableFile.WriteTextAsync(record, JsonSerializer.Serialize(plan), cancellationToken)
            .ConfigureAwait(false);
        Apply(outputFolder, plan);
        File.Delete(record);
        DirectorySync.Flush(Path.GetDirectoryName(record)!);

        LogWritten(logger, renames.Count, run.RunId);
        foreach (var replaced in plan.Deletes)
        {
            LogReplaced(logger, replaced);
        }

        return [.. finals.Order(StringComparer.Ordinal)];
    }

    internal static async Task<CommitRename> WritePartAsync<T>(
        string outputFolder,
        string table,
        RunStamp run,
        int part,
        IReadOnlyList<T> rows,
        CancellationToken cancellationToken)
    {
        var final = Path.Combine(PartitionFolder(outputFolder, table, run), $"part-{run.RunId}-{part:D5}.parquet");
        var metadata = new Dictionary<string, string>
        {
            ["run_id"] = run.RunId,
            ["prompt_sha256"] = run.PromptSha256,
            ["provider"] = run.Provider,
            ["model"] = run.Model,
            ["stance_schema_version"] = SchemaVersion,
        };
        await DurableFile.WriteAsync(
            final,
            (stream, ct) => ParquetSerializer.SerializeAsync(
                rows,
                stream,
                new ParquetOptions { CompressionMethod = CompressionMethod.Snappy },
                metadata,
                ct),
            cancellationToken,
            renameIntoPlace: false).ConfigureAwait(false);
        return new CommitRename(
            Relative(outputFolder, DurableFile.TemporaryName(final)),
            Relative(outputFolder, final));
    }

    private static void Apply(string outputFolder, CommitPlan plan)
    {
        var step = 0;
        try
        {
            foreach (var delete in plan.Deletes)
            {
                File.Delete(Path.Combine(outputFolder, delete));
                CrashPoint.Reached($"commit-step:{++step}", outputFolder);
            }

            // Deletions reach the disk before any new part appears, so not even a power loss shows old and new rows.
            DirectorySync.Flush(plan.Deletes.Select(d => Path.GetDirectoryName(Path.Combine(outputFolder, d))!));
            foreach (var rename in plan.Renames)
            {
                var from = Path.Combine(outputFolder, rename.From);
                if (File.Exists(from))
                {
                    File.Move(from, Path.Combine(outputFolder, rename.To), overwrite: true);
                }

                CrashPoint.Reached($"commit-step:{++step}", outputFolder);
            }

            DirectorySync.Flush(plan.Renames.Select(r => Path.GetDirectoryName(Path.Combine(outputFolder, r.To))!));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not OutputWriteException)
        {
            throw new OutputWriteException(Path.GetFullPath(outputFolder), ex);
        }
    }

    private static string CommitRecordPath(string outputFolder) => Path.Combine(outputFolder, ".stance", "commit.json");

    private static string Relative(string outputFolder, string path) =>
        Path.GetRelativePath(outputFolder, path).Replace('\\', '/');

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Committed {Parts} part files of run {RunId}")]
    private static partial void LogWritten(ILogger logger, int parts, string runId);

    [LoggerMessage(
        EventId = 41,
        Level = LogLevel.Information,
        Message = "Replaced an earlier run's part of the same run date: {Path}")]
    private static partial void LogReplaced(ILogger logger, string path);

    [LoggerMessage(
        EventId = 42,
        Level = LogLevel.Warning,
        Message = "Finishing a commit interrupted by a crash: {Renames} renames, {Deletes} deletes")]
    private static partial void LogRecovering(ILogger logger, int renames, int deletes);

    private sealed record CommitPlan(List<string> Deletes, List<CommitRename> Renames);
}

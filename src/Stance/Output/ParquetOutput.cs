using System.Text.Json;
using Microsoft.Extensions.Logging;
using Parquet;
using Parquet.Serialization;
using Stance.Journal;

namespace Stance.Output;

/// <summary>Writes the two tables as Hive-partitioned Parquet part files under the output folder.</summary>
/// <remarks>
/// A run owns its run date's partition. Rows stream in; every <c>RowsPerPart</c> rows a part file is written under a
/// hidden temporary name (outside the <c>*.parquet</c> glob) and flushed to disk, so memory does not grow with the
/// corpus. At the end a commit record listing the earlier parts to delete and the new parts to rename is written
/// durably; then the old parts are deleted and the new ones renamed into place, each step atomic; then the record is
/// removed. A crash at any point is finished (rolled forward) by the next run's <see cref="Recover"/>, so a reader never
/// sees a partial file or two rows for one paragraph.
/// </remarks>
internal sealed partial class ParquetOutput(ILogger<ParquetOutput> logger)
{
    /// <summary>The version of the table layout, written into each file's metadata.</summary>
    public const string SchemaVersion = "2";

    /// <summary>The default number of rows in one part file.</summary>
    public const int DefaultRowsPerPart = 10_000;

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

    /// <summary>Starts writing a run's tables.</summary>
    public RunTables Begin(string outputFolder, RunStamp run, int rowsPerPart = DefaultRowsPerPart) => new(this, outputFolder, run, rowsPerPart);

    /// <summary>Writes both tables for one run at once; returns the part files, relative to the output folder.</summary>
    public async Task<IReadOnlyList<string>> WriteAsync(string outputFolder, RunStamp run, IReadOnlyList<ParagraphRow> paragraphs,
        IReadOnlyList<TargetRow> targets, CancellationToken cancellationToken)
    {
        var tables = Begin(outputFolder, run);
        foreach (var row in paragraphs)
        {
            await tables.AddParagraphAsync(row, cancellationToken).ConfigureAwait(false);
        }

        foreach (var row in targets)
        {
            await tables.AddTargetAsync(row, cancellationToken).ConfigureAwait(false);
        }

        return await tables.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Hive partition folder of a table for the run's date.</summary>
    public static string PartitionFolder(string outputFolder, string table, RunStamp run) =>
        Path.Combine(outputFolder, table, $"run_date={run.RunDate:yyyy-MM-dd}");

    internal async Task<IReadOnlyList<string>> CommitAsync(string outputFolder, RunStamp run, List<CommitRename> renames, CancellationToken cancellationToken)
    {
        var finals = renames.Select(r => r.To).ToHashSet(StringComparer.Ordinal);
        var deletes = s_tables
            .Select(table => PartitionFolder(outputFolder, table, run))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "part-*.parquet"))
            .Select(path => Relative(outputFolder, path))
            .Where(path => !finals.Contains(path))
            .ToList();

        var plan = new CommitPlan(deletes, renames);
        var record = CommitRecordPath(outputFolder);
        await DurableFile.WriteTextAsync(record, JsonSerializer.Serialize(plan), cancellationToken).ConfigureAwait(false);
        Apply(outputFolder, plan);
        File.Delete(record);

        LogWritten(logger, renames.Count, run.RunId);
        foreach (var replaced in deletes)
        {
            LogReplaced(logger, replaced);
        }

        return [.. finals.Order(StringComparer.Ordinal)];
    }

    internal static async Task<CommitRename> WritePartAsync<T>(string outputFolder, string table, RunStamp run, int part, IReadOnlyList<T> rows,
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
            (stream, ct) => ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, metadata, ct),
            cancellationToken,
            renameIntoPlace: false).ConfigureAwait(false);
        return new CommitRename(Relative(outputFolder, DurableFile.TemporaryName(final)), Relative(outputFolder, final));
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

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Committed {Parts} part files of run {RunId}")]
    private static partial void LogWritten(ILogger logger, int parts, string runId);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Replaced an earlier run's part of the same run date: {Path}")]
    private static partial void LogReplaced(ILogger logger, string path);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Finishing a commit interrupted by a crash: {Renames} renames, {Deletes} deletes")]
    private static partial void LogRecovering(ILogger logger, int renames, int deletes);

    private sealed record CommitPlan(List<string> Deletes, List<CommitRename> Renames);
}

/// <summary>A part file to rename into place at commit.</summary>
internal sealed record CommitRename(string From, string To);

/// <summary>A run's two tables being written: rows are buffered up to the part size, then written as a hidden part.</summary>
internal sealed class RunTables(ParquetOutput output, string outputFolder, RunStamp run, int rowsPerPart)
{
    private readonly List<ParagraphRow> _paragraphs = [];
    private readonly List<TargetRow> _targets = [];
    private readonly List<CommitRename> _parts = [];
    private int _paragraphPart;
    private int _targetPart;

    /// <summary>Adds a paragraph row.</summary>
    public async ValueTask AddParagraphAsync(ParagraphRow row, CancellationToken cancellationToken)
    {
        _paragraphs.Add(row);
        if (_paragraphs.Count >= rowsPerPart)
        {
            await FlushParagraphsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a target row.</summary>
    public async ValueTask AddTargetAsync(TargetRow row, CancellationToken cancellationToken)
    {
        _targets.Add(row);
        if (_targets.Count >= rowsPerPart)
        {
            await FlushTargetsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes what is buffered and commits every part; returns the part files, relative to the output folder.</summary>
    public async Task<IReadOnlyList<string>> CommitAsync(CancellationToken cancellationToken)
    {
        if (_paragraphs.Count > 0 || _paragraphPart == 0)
        {
            await FlushParagraphsAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_targets.Count > 0 || _targetPart == 0)
        {
            await FlushTargetsAsync(cancellationToken).ConfigureAwait(false);
        }

        return await output.CommitAsync(outputFolder, run, _parts, cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushParagraphsAsync(CancellationToken cancellationToken)
    {
        _parts.Add(await ParquetOutput.WritePartAsync(outputFolder, "paragraphs", run, _paragraphPart++, _paragraphs, cancellationToken).ConfigureAwait(false));
        _paragraphs.Clear();
    }

    private async Task FlushTargetsAsync(CancellationToken cancellationToken)
    {
        _parts.Add(await ParquetOutput.WritePartAsync(outputFolder, "targets", run, _targetPart++, _targets, cancellationToken).ConfigureAwait(false));
        _targets.Clear();
    }
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using Stance.Journal;
using Stance.Storage;

namespace Stance.Output;

/// <summary>The dataset in a local folder: parts are written under hidden temporary names and fsynced; a commit
/// record listing the parts to delete and the temporary files to rename is written durably; then the old parts are
/// deleted and the new ones renamed into place, each step atomic, and the folders synced; then the record is
/// removed.</summary>
internal sealed partial class LocalDataset(string folder, ILogger logger) : IDataset
{
    /// <inheritdoc />
    public string Location => Path.GetFullPath(folder);

    /// <inheritdoc />
    public string StateFolder => Path.Combine(folder, ".stance");

    /// <inheritdoc />
    public Task RecoverAsync(CancellationToken cancellationToken, Func<string, bool>? spare = null)
    {
        var record = CommitRecordPath;
        if (File.Exists(record))
        {
            var plan = JsonSerializer.Deserialize<CommitPlan>(File.ReadAllText(record))!;
            LogRecovering(logger, plan.Renames.Count, plan.Deletes.Count);
            Apply(plan);
            File.Delete(record);
            DirectorySync.Flush(Path.GetDirectoryName(record)!);
        }

        foreach (var table in ParquetOutput.Tables.Select(t => Path.Combine(folder, t)).Where(Directory.Exists))
        {
            foreach (var orphan in Directory.EnumerateFiles(table, ".part-*.tmp", SearchOption.AllDirectories))
            {
                // .part-X.parquet.tmp is staged for part-X.parquet.
                var final = Relative(Path.Combine(Path.GetDirectoryName(orphan)!, Path.GetFileName(orphan)[1..^4]));
                if (spare?.Invoke(final) != true)
                {
                    File.Delete(orphan);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CommittedPartsAsync(
        string table,
        RunStamp run,
        CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. ParquetOutput.CommittedParts(folder, table, run)]);

    /// <inheritdoc />
    public Task<string> LocalCopyAsync(string part, CancellationToken cancellationToken) =>
        Task.FromResult(Path.Combine(folder, part));

    /// <inheritdoc />
    public async Task<StagedPart> StageAsync(
        string part,
        Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        var final = Path.Combine(folder, part);
        await DurableFile.WriteAsync(final, write, cancellationToken, renameIntoPlace: false).ConfigureAwait(false);
        return new StagedPart(part, Relative(DurableFile.TemporaryName(final)));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> CommitAsync(
        RunStamp run,
        IReadOnlyList<StagedPart> parts,
        IReadOnlyList<string> deletes,
        CancellationToken cancellationToken)
    {
        var renames = parts.Select(p => new CommitRename(p.Temporary!, p.Part)).ToList();
        var finals = renames.Select(r => r.To).ToHashSet(StringComparer.Ordinal);
        var plan = new CommitPlan([.. deletes.Where(path => !finals.Contains(path))], renames);
        var record = CommitRecordPath;
        await DurableFile.WriteTextAsync(record, JsonSerializer.Serialize(plan), cancellationToken)
            .ConfigureAwait(false);
        Apply(plan);
        File.Delete(record);
        DirectorySync.Flush(Path.GetDirectoryName(record)!);

        LogWritten(logger, renames.Count, run.RunId);
        foreach (var replaced in plan.Deletes)
        {
            LogReplaced(logger, replaced);
        }

        return [.. finals.Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public void DiscardCopies()
    {
        // The copies are the committed parts themselves.
    }

    /// <inheritdoc />
    public Task WriteTextAsync(string path, string text, CancellationToken cancellationToken) =>
        DurableFile.WriteTextAsync(Path.Combine(folder, path), text, cancellationToken);

    private string CommitRecordPath => Path.Combine(folder, ".stance", "commit.json");

    private string Relative(string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');

    private void Apply(CommitPlan plan)
    {
        var step = 0;
        try
        {
            foreach (var delete in plan.Deletes)
            {
                File.Delete(Path.Combine(folder, delete));
                CrashPoint.Reached($"commit-step:{++step}", StateFolder);
            }

            // Deletions reach the disk before any new part appears, so not even a power loss shows old and new rows.
            DirectorySync.Flush(plan.Deletes.Select(d => Path.GetDirectoryName(Path.Combine(folder, d))!));
            foreach (var rename in plan.Renames)
            {
                var from = Path.Combine(folder, rename.From);
                if (File.Exists(from))
                {
                    File.Move(from, Path.Combine(folder, rename.To), overwrite: true);
                }

                CrashPoint.Reached($"commit-step:{++step}", StateFolder);
            }

            DirectorySync.Flush(plan.Renames.Select(r => Path.GetDirectoryName(Path.Combine(folder, r.To))!));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not OutputWriteException)
        {
            throw new OutputWriteException(Path.GetFullPath(folder), ex);
        }
    }

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

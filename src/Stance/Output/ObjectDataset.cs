using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Stance.Journal;
using Stance.Storage;
using Stance.Storage.Objects;

namespace Stance.Output;

/// <summary>The dataset on an object store (S3, Azure Blob), where nothing can be renamed: each part is uploaded as a
/// staged upload (an S3 multipart upload, uncommitted Azure blocks) that no reader or lister sees; the commit record
/// (<c>.stance/commit.json</c>: the parts to delete and the uploads to complete) is written whole; then the old parts
/// are deleted, then each upload is completed (each appears at once, whole); then the record is deleted. The next
/// run's <see cref="RecoverAsync"/> rolls an interrupted commit forward from the record and aborts every other
/// pending upload under the tables (a run that died before its commit).</summary>
/// <remarks>One run at a time per dataset: the caller holds the dataset's <see cref="ObjectLock"/> and passes its
/// <see cref="ObjectLock.ThrowIfLost"/> as <paramref name="checkHeld"/>, which is called before each step of a commit
/// (a run that lost its lock stops before it touches another run's work). The commit record is created only if none
/// exists and deleted only if it is still this commit's.</remarks>
internal sealed partial class ObjectDataset(
    IObjectStore store,
    string stateFolder,
    ILogger logger,
    Action? checkHeld = null) : IDataset
{
    /// <summary>The commit record's key.</summary>
    public const string CommitRecord = ".stance/commit.json";

    // Where staged uploads may be left: the tables, and the journal's copy (Azure stages a put larger than 256 MiB).
    private static readonly string[] s_staged = [.. ParquetOutput.Tables, "eval", ".stance"];
    private readonly List<string> _copies = [];

    /// <inheritdoc />
    public string Location => store.Location;

    /// <inheritdoc />
    public string StateFolder => stateFolder;

    private string Spool => Path.Combine(stateFolder, "spool");

    /// <inheritdoc />
    public async Task RecoverAsync(CancellationToken cancellationToken, Func<string, bool>? spare = null)
    {
        using var record = new MemoryStream();
        if (await store.DownloadAsync(CommitRecord, record, cancellationToken).ConfigureAwait(false))
        {
            var plan = JsonSerializer.Deserialize<CommitPlan>(record.ToArray())!;
            LogRecovering(logger, plan.RunId, plan.Uploads.Count, plan.Deletes.Count);
            await ApplyAsync(plan, recovering: true, cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(CommitRecord, cancellationToken).ConfigureAwait(false);
        }

        foreach (var table in s_staged)
        {
            foreach (var pending in await store.ListPendingAsync($"{table}/", cancellationToken).ConfigureAwait(false))
            {
                if (spare?.Invoke(pending.Key) == true)
                {
                    continue;
                }

                await store.AbortAsync(pending, cancellationToken).ConfigureAwait(false);
                LogAborted(logger, pending.Key);
            }
        }

        if (Directory.Exists(Spool))
        {
            Directory.Delete(Spool, recursive: true);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> CommittedPartsAsync(
        string table,
        RunStamp run,
        CancellationToken cancellationToken)
    {
        var partition = ParquetOutput.Partition(table, run);
        return [.. (await store.ListAsync(partition, cancellationToken).ConfigureAwait(false))
            .Select(o => o.Key)
            .Where(key => key.LastIndexOf('/') == partition.Length - 1
                && ParquetOutput.IsPartName(key[partition.Length..]))];
    }

    /// <inheritdoc />
    public async Task<string> LocalCopyAsync(string part, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Spool);
        var path = Path.Combine(Spool, $"read-{Guid.NewGuid():N}.parquet");
        _copies.Add(path);
        var file = File.Create(path);
        await using (file.ConfigureAwait(false))
        {
            if (!await store.DownloadAsync(part, file, cancellationToken).ConfigureAwait(false))
            {
                throw new OutputWriteException(
                    $"{store.Location}/{part}",
                    new IOException("it was listed but is gone: another process changed the dataset"),
                    "read the earlier part");
            }
        }

        return path;
    }

    /// <inheritdoc />
    public async Task<StagedPart> StageAsync(
        string part,
        Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        // Parquet needs a seekable sink, so a part is written to a local spool file and streamed from there, a block at
        // a time: memory stays at one part's row buffer plus one upload block.
        Directory.CreateDirectory(Spool);
        // Deleted on close, however the upload ends; one a killed process leaves is removed by the next recovery.
        var file = new FileStream(Path.Combine(Spool, $"{Guid.NewGuid():N}.parquet"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await using (file.ConfigureAwait(false))
        {
            await write(file, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            var upload = await store.StageAsync(part, file, cancellationToken).ConfigureAwait(false);
            return new StagedPart(part, Upload: upload);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> CommitAsync(
        RunStamp run,
        IReadOnlyList<StagedPart> parts,
        IReadOnlyList<string> deletes,
        CancellationToken cancellationToken)
    {
        var finals = parts.Select(p => p.Part).ToHashSet(StringComparer.Ordinal);
        var plan = new CommitPlan(
            run.RunId,
            [.. deletes.Where(path => !finals.Contains(path))],
            [.. parts.Select(p => p.Upload!)]);
        CrashPoint.Reached("parts-staged", stateFolder);
        checkHeld?.Invoke();
        var record = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(plan));
        var etag = await store.PutAsync(CommitRecord, record, WriteCondition.IfAbsent, cancellationToken)
            .ConfigureAwait(false) ?? throw new OutputWriteException(
                $"{store.Location}/{CommitRecord}",
                new IOException("another run's commit record is there: two runs are committing at once"),
                "create the commit record");
        CrashPoint.Reached("commit-recorded", stateFolder);
        await ApplyAsync(plan, recovering: false, cancellationToken).ConfigureAwait(false);
        checkHeld?.Invoke();
        if (!await store.DeleteAsync(CommitRecord, cancellationToken, ifMatch: etag).ConfigureAwait(false))
        {
            throw new OutputWriteException(
                $"{store.Location}/{CommitRecord}",
                new IOException("another run replaced this run's commit record during its commit"),
                "remove the commit record");
        }
        DiscardCopies();
        LogWritten(logger, parts.Count, run.RunId, store.Location);
        foreach (var replaced in plan.Deletes)
        {
            LogReplaced(logger, replaced);
        }

        return [.. finals.Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public void DiscardCopies()
    {
        foreach (var copy in _copies)
        {
            File.Delete(copy);
        }

        _copies.Clear();
    }

    /// <inheritdoc />
    public async Task WriteTextAsync(string path, string text, CancellationToken cancellationToken) =>
        await store.PutAsync(path, new MemoryStream(Encoding.UTF8.GetBytes(text)), WriteCondition.None,
            cancellationToken).ConfigureAwait(false);

    // Old rows disappear before new ones appear: every delete is done before the first upload is completed.
    private async Task ApplyAsync(CommitPlan plan, bool recovering, CancellationToken cancellationToken)
    {
        var step = 0;
        foreach (var delete in plan.Deletes)
        {
            checkHeld?.Invoke();
            await store.DeleteAsync(delete, cancellationToken).ConfigureAwait(false);
            CrashPoint.Reached($"commit-step:{++step}", stateFolder);
        }

        foreach (var upload in plan.Uploads)
        {
            checkHeld?.Invoke();
            await CompleteAsync(upload, recovering, cancellationToken).ConfigureAwait(false);
            CrashPoint.Reached($"commit-step:{++step}", stateFolder);
        }
    }

    // An upload that is gone with no object at its key (a bucket lifecycle rule aborted it, or someone did): its rows
    // are lost. In the run's own commit that fails the run (exit 8, no manifest: it stays unfinished and the next run
    // of the same date resumes it and writes those rows again from its journal). In the recovery of a crashed run's
    // commit it is said loudly and skipped, since blocking every later run would not bring the rows back; a
    // recovery on a later date leaves them missing until a run reads those documents again.
    private async Task CompleteAsync(PendingUpload upload, bool recovering, CancellationToken cancellationToken)
    {
        try
        {
            await store.CompleteAsync(upload, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException ex) when (ex.UploadGone && recovering)
        {
            LogLost(logger, upload.Key, ex.Message);
        }
    }

    [LoggerMessage(EventId = 147, Level = LogLevel.Error,
        Message = "A part named by the commit record is lost and skipped (its documents' rows are missing until a " +
            "run reads them again): {Key}: {Reason}")]
    private static partial void LogLost(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 143, Level = LogLevel.Information,
        Message = "Committed {Parts} part files of run {RunId} to {Location}")]
    private static partial void LogWritten(ILogger logger, int parts, string runId, string location);

    [LoggerMessage(EventId = 144, Level = LogLevel.Information,
        Message = "Replaced an earlier run's part of the same run date: {Path}")]
    private static partial void LogReplaced(ILogger logger, string path);

    [LoggerMessage(EventId = 145, Level = LogLevel.Warning,
        Message = "Finishing the commit of run {RunId} interrupted by a crash: {Uploads} uploads to complete, " +
            "{Deletes} parts to delete")]
    private static partial void LogRecovering(ILogger logger, string runId, int uploads, int deletes);

    [LoggerMessage(EventId = 146, Level = LogLevel.Warning,
        Message = "Aborted a pending upload that a run which stopped before its commit left: {Key}")]
    private static partial void LogAborted(ILogger logger, string key);

    private sealed record CommitPlan(string RunId, List<string> Deletes, List<PendingUpload> Uploads);
}

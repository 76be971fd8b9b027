using Stance.Journal;

namespace Stance.Output;

/// <summary>Where a run's tables, manifest and report go: a local folder (<see cref="LocalDataset"/>) or an object
/// store (<see cref="ObjectDataset"/>). Paths are relative to the dataset's root and use <c>/</c>.</summary>
/// <remarks>Both keep the same promises (docs/durability.md): a reader never sees a partial part, nor two rows for one
/// paragraph of a date; the commit is recorded before it starts, so a crash is rolled forward by the next run's
/// <see cref="RecoverAsync"/>.</remarks>
internal interface IDataset
{
    /// <summary>The dataset's root for messages: a full local path, or a store location without
    /// credentials.</summary>
    string Location { get; }

    /// <summary>A local folder for the run's own state (crash-test markers, spooled parts).</summary>
    string StateFolder { get; }

    /// <summary>Finishes a commit a crash interrupted and discards what no commit refers to, except the staged parts
    /// <paramref name="spare"/> keeps (by their final path: those of a sharded run still in progress).</summary>
    Task RecoverAsync(CancellationToken cancellationToken, Func<string, bool>? spare = null);

    /// <summary>The committed parts of <paramref name="table"/> for the run's date, in ordinal order.</summary>
    Task<IReadOnlyList<string>> CommittedPartsAsync(string table, RunStamp run, CancellationToken cancellationToken);

    /// <summary>A local file holding the committed part <paramref name="part"/>, to read it.</summary>
    Task<string> LocalCopyAsync(string part, CancellationToken cancellationToken);

    /// <summary>Writes a new part through <paramref name="write"/>, invisible until
    /// <see cref="CommitAsync"/>.</summary>
    Task<StagedPart> StageAsync(
        string part,
        Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="deletes"/>, then makes <paramref name="parts"/> visible; returns the
    /// committed parts in ordinal order.</summary>
    Task<IReadOnlyList<string>> CommitAsync(
        RunStamp run,
        IReadOnlyList<StagedPart> parts,
        IReadOnlyList<string> deletes,
        CancellationToken cancellationToken);

    /// <summary>Removes the local copies <see cref="LocalCopyAsync"/> made (the committed parts stay).</summary>
    void DiscardCopies();

    /// <summary>Writes a small file (a manifest, a report) whole: a reader sees the old one or the new one.</summary>
    Task WriteTextAsync(string path, string text, CancellationToken cancellationToken);
}

using Stance.Journal;

namespace Stance.Output;

/// <summary>A run's two tables being written: rows are buffered up to the part size, then written as a hidden
/// part.</summary>
/// <remarks>A shard of a sharded run (<paramref name="tag"/> names its parts apart) only stages its parts
/// (<see cref="StageAsync"/>); the run's committer adopts every shard's (<see cref="Adopt"/>) and commits them at
/// once.</remarks>
internal sealed class RunTables(
    IDataset dataset,
    RunStamp run,
    int rowsPerPart,
    ReplaceMode replace,
    string? tag = null)
{
    private readonly List<ParagraphRow> _paragraphs = [];
    private readonly List<TargetRow> _targets = [];
    private readonly List<StagedPart> _parts = [];
    // Every document the run read (also one that now has no paragraph), from the reader's thread and the writer's.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _documents =
        new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _runs = new(StringComparer.Ordinal);
    private int _paragraphPart;
    private int _targetPart;
    private bool _adopted;

    /// <summary>Records that the run read <paramref name="documentId"/>: its earlier rows of the date are replaced,
    /// even when it now has no paragraph.</summary>
    public void DocumentRead(string documentId) => _documents.TryAdd(documentId, 0);

    /// <summary>Adds a paragraph row.</summary>
    public async ValueTask AddParagraphAsync(ParagraphRow row, CancellationToken cancellationToken)
    {
        _documents.TryAdd(row.DocumentId, 0);
        await AddCarriedParagraphAsync(row, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Writes what is buffered (at least one part per table) and returns the staged parts and every
    /// document read, for a shard's manifest: nothing becomes visible.</summary>
    public async Task<(IReadOnlyList<StagedPart> Parts, IReadOnlyList<string> Documents)> StageAsync(
        CancellationToken cancellationToken)
    {
        await FlushRestAsync(cancellationToken).ConfigureAwait(false);
        return ([.. _parts], [.. _documents.Keys.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Takes over parts other processes staged for this run (<paramref name="rows"/> paragraph rows in
    /// all), and the documents they read, to commit them with this run's.</summary>
    public void Adopt(IEnumerable<StagedPart> parts, IEnumerable<string> documents, long rows)
    {
        _adopted = true;
        _runs[run.RunId] = _runs.GetValueOrDefault(run.RunId) + rows;
        _parts.AddRange(parts);
        foreach (var document in documents)
        {
            _documents.TryAdd(document, 0);
        }
    }

    /// <summary>Carries the date's other rows forward, writes what is buffered and commits every part.</summary>
    public async Task<CommitResult> CommitAsync(CancellationToken cancellationToken)
    {
        var deletes = new List<string>();
        var kept = new List<string>();
        foreach (var table in ParquetOutput.Tables)
        {
            foreach (var part in await dataset.CommittedPartsAsync(table, run, cancellationToken).ConfigureAwait(false))
            {
                // A run that replaces its whole date reads none of the earlier parts (nor downloads them).
                var path = replace == ReplaceMode.Date
                    ? null
                    : await dataset.LocalCopyAsync(part, cancellationToken).ConfigureAwait(false);
                var documents = path is null
                    ? null
                    : await PartFile.ReadStringsAsync(path, "document_id", cancellationToken).ConfigureAwait(false);
                if (documents is not null && !documents.Any(_documents.ContainsKey))
                {
                    kept.Add(part);
                    if (table == "paragraphs")
                    {
                        CountRuns(
                            await PartFile.ReadStringsAsync(path!, "run_id", cancellationToken).ConfigureAwait(false));
                    }

                    continue;
                }

                deletes.Add(part);
                if (documents is not null)
                {
                    await CarryAsync(table, path!, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await FlushRestAsync(cancellationToken).ConfigureAwait(false);
        var files = await dataset.CommitAsync(run, _parts, deletes, cancellationToken).ConfigureAwait(false);
        return new CommitResult(
            files,
            kept,
            _runs.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => r.Value));
    }

    // Every table gets at least one part (an empty one for a run without rows), unless adopted parts are there.
    private async Task FlushRestAsync(CancellationToken cancellationToken)
    {
        if (_paragraphs.Count > 0 || (_paragraphPart == 0 && !_adopted))
        {
            await FlushParagraphsAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_targets.Count > 0 || (_targetPart == 0 && !_adopted))
        {
            await FlushTargetsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // The rows of an earlier part that belong to documents this run did not read: they stay in the date, now in this
    // run's parts.
    private async Task CarryAsync(string table, string path, CancellationToken cancellationToken)
    {
        if (table == "paragraphs")
        {
            foreach (var row in await PartFile.ReadRowsAsync<ParagraphRow>(path, cancellationToken)
                .ConfigureAwait(false))
            {
                if (!_documents.ContainsKey(row.DocumentId))
                {
                    await AddCarriedParagraphAsync(row, cancellationToken).ConfigureAwait(false);
                }
            }

            return;
        }

        foreach (var row in await PartFile.ReadRowsAsync<TargetRow>(path, cancellationToken).ConfigureAwait(false))
        {
            if (!_documents.ContainsKey(row.DocumentId))
            {
                await AddTargetAsync(row, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask AddCarriedParagraphAsync(ParagraphRow row, CancellationToken cancellationToken)
    {
        CountRuns([row.RunId]);
        _paragraphs.Add(row);
        if (_paragraphs.Count >= rowsPerPart)
        {
            await FlushParagraphsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void CountRuns(IEnumerable<string> runIds)
    {
        foreach (var runId in runIds)
        {
            _runs[runId] = _runs.GetValueOrDefault(runId) + 1;
        }
    }

    private async Task FlushParagraphsAsync(CancellationToken cancellationToken)
    {
        _parts.Add(await StageAsync("paragraphs", _paragraphPart++, _paragraphs, cancellationToken)
            .ConfigureAwait(false));
        _paragraphs.Clear();
    }

    private async Task FlushTargetsAsync(CancellationToken cancellationToken)
    {
        _parts.Add(await StageAsync("targets", _targetPart++, _targets, cancellationToken).ConfigureAwait(false));
        _targets.Clear();
    }

    private Task<StagedPart> StageAsync<T>(
        string table,
        int part,
        IReadOnlyList<T> rows,
        CancellationToken cancellationToken) =>
        dataset.StageAsync(
            ParquetOutput.PartPath(table, run, part, tag),
            (stream, ct) => ParquetOutput.SerializeAsync(rows, run, stream, ct),
            cancellationToken);
}

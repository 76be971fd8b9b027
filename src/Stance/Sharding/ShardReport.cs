using Stance.Output;
using Stance.Reporting;

namespace Stance.Sharding;

/// <summary>The run report's data for a sharded run, read back from the run's committed parts (the committer did not
/// see the other shards' rows stream past).</summary>
internal static class ShardReport
{
    /// <summary>Feeds the rows of <paramref name="runId"/> in <paramref name="files"/> into a collector.</summary>
    public static async Task<ReportCollector> CollectAsync(
        IDataset dataset,
        IReadOnlyList<string> files,
        string runId,
        CancellationToken cancellationToken)
    {
        var targets = new Dictionary<string, List<TargetRow>>(StringComparer.Ordinal);
        foreach (var part in files.Where(f => f.StartsWith("targets/", StringComparison.Ordinal)))
        {
            var path = await dataset.LocalCopyAsync(part, cancellationToken).ConfigureAwait(false);
            foreach (var row in await PartFile.ReadRowsAsync<TargetRow>(path, cancellationToken).ConfigureAwait(false))
            {
                if (row.RunId == runId)
                {
                    (targets.TryGetValue(row.ParagraphId, out var list) ? list : targets[row.ParagraphId] = [])
                        .Add(row);
                }
            }
        }

        var report = new ReportCollector();
        foreach (var part in files.Where(f => f.StartsWith("paragraphs/", StringComparison.Ordinal)))
        {
            var path = await dataset.LocalCopyAsync(part, cancellationToken).ConfigureAwait(false);
            foreach (var row in await PartFile.ReadRowsAsync<ParagraphRow>(path, cancellationToken)
                .ConfigureAwait(false))
            {
                if (row.RunId == runId)
                {
                    report.Add(row, targets.GetValueOrDefault(row.ParagraphId) ?? []);
                }
            }
        }

        return report;
    }
}

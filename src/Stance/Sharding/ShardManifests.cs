using Stance.Output;

namespace Stance.Sharding;

/// <summary>Sums the shards' manifests into the run's: counts, failures, retries and cost added up, problems
/// listed, the committed parts, and each shard in <see cref="RunManifest.Shards"/>.</summary>
internal static class ShardManifests
{
    /// <summary>The run's manifest from its shards' and its commit.</summary>
    public static RunManifest Merge(
        IReadOnlyList<ShardManifest> shards,
        CommitResult commit,
        DateTimeOffset finishedAt)
    {
        var manifests = shards.Select(s => s.Manifest).ToList();
        var first = manifests[0];
        var startedAt = manifests.Min(m => m.StartedAt);
        var counts = manifests.Select(m => m.Counts).ToList();
        var paragraphs = counts.Sum(c => c.Paragraphs);
        var seconds = Math.Max(0.001, (finishedAt - startedAt).TotalSeconds);
        return first with
        {
            ExitCode = ExitCode(shards.Select(s => s.ExitCode)),
            StartedAt = startedAt,
            FinishedAt = finishedAt,
            DurationSeconds = Math.Round(seconds, 3),
            Counts = new ManifestCounts(
                counts.Sum(c => c.Documents),
                counts.Sum(c => c.BadDocuments),
                paragraphs,
                counts.Sum(c => c.Ok),
                counts.Sum(c => c.Failed),
                counts.Sum(c => c.Filtered),
                counts.Sum(c => c.FromCache),
                counts.Sum(c => c.Requests),
                counts.Sum(c => c.InputTokens),
                counts.Sum(c => c.OutputTokens),
                counts.Sum(c => c.CachedInputTokens)),
            FailuresByKind = Sum(manifests.Select(m => m.FailuresByKind)),
            RetriesByReason = Sum(manifests.Select(m => m.RetriesByReason)),
            EstimatedCost = manifests.Sum(m => m.EstimatedCost),
            ParagraphsPerSecond = Math.Round(paragraphs / seconds, 2),
            BadDocuments = [.. manifests.SelectMany(m => m.BadDocuments)],
            SkippedBlocks = [.. manifests.SelectMany(m => m.SkippedBlocks)],
            Aborted = manifests.Select(m => m.Aborted).FirstOrDefault(a => a is not null),
            Files = commit.Files,
            KeptFiles = commit.KeptFiles,
            DateRuns = commit.DateRuns,
            Batches = [],
            SpendByKind = Sum(manifests.Select(m => m.SpendByKind ?? new Dictionary<string, double>())),
            SpendByTarget = Sum(manifests.Select(m => m.SpendByTarget ?? new Dictionary<string, double>())),
            Budget = manifests.Select(m => m.Budget).FirstOrDefault(b => b?.Exceeded is not null)
                ?? first.Budget,
            Shards = [.. shards.Select(s => new ManifestShard(
                s.Shard,
                s.ExitCode,
                s.Manifest.Counts.Documents,
                s.Manifest.Counts.Paragraphs,
                s.Manifest.Counts.Ok,
                s.Manifest.Counts.Failed,
                s.Manifest.Counts.Requests,
                s.Manifest.EstimatedCost,
                s.Manifest.StartedAt,
                s.Manifest.FinishedAt,
                [.. s.Parts.Select(p => p.Part)]))],
        };
    }

    // A shard writes its manifest only when it finished its documents: ok (0), with failed rows (3), or stopped by its
    // budget (12); the run's code is the worst of them.
    private static int ExitCode(IEnumerable<int> codes)
    {
        var all = codes.ToList();
        return all.FirstOrDefault(c => c is not 0 and not 3) is var other and not 0
            ? other
            : all.Contains(3) ? 3 : 0;
    }

    private static Dictionary<string, T> Sum<T>(IEnumerable<IReadOnlyDictionary<string, T>> parts)
        where T : struct, System.Numerics.INumber<T>
    {
        var sum = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in parts.SelectMany(p => p))
        {
            sum[key] = sum.GetValueOrDefault(key) + value;
        }

        return new Dictionary<string, T>(sum, StringComparer.Ordinal);
    }
}

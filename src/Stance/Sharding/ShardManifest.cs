using Stance.Output;

namespace Stance.Sharding;

/// <summary>What one shard did, <c>.stance/shards/&lt;run name&gt;/&lt;run id&gt;/shard-KKKK.json</c>: its staged
/// (invisible) parts, the documents it read (their earlier rows of the date are replaced) and its own manifest
/// (counts, failures, cost), which the run's manifest sums.</summary>
internal sealed record ShardManifest(
    int Shard,
    string RunId,
    int ExitCode,
    IReadOnlyList<StagedPart> Parts,
    IReadOnlyList<string> Documents,
    RunManifest Manifest);

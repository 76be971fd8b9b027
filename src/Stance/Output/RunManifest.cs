using System.Text.Json;
using System.Text.Json.Serialization;
using Stance.Journal;

namespace Stance.Output;

/// <summary>The record of one run, written last: its presence means the run's part files are complete.</summary>
/// <param name="SpendByKind">The estimated cost by kind (<c>first_asks</c> and <c>retries_and_reasks</c> sum to
/// <paramref name="EstimatedCost"/>, so do <c>sync</c> and <c>batch</c>; <c>cached_input</c> is the part paid for
/// cached prompt tokens); null in manifests from before it was recorded.</param>
/// <param name="SpendByTarget">The estimated cost by the rows' <c>main_target</c> (<c>(none)</c> when null), summing
/// to <paramref name="EstimatedCost"/>.</param>
/// <param name="Budget">The run's cap (<c>Stance:Budget:MaxCost</c>) and whether it stopped the run; null when there
/// is none.</param>
/// <param name="Shards">The shards of a sharded run, in shard order; null for a run in one process.</param>
/// <param name="Alerts">What the run raised (drift of a watched target, a failed run, too many failures; see
/// docs/operations.md); empty when nothing, null in manifests from before alerts.</param>
internal sealed record RunManifest(
    string RunId,
    DateOnly RunDate,
    string Status,
    int ExitCode,
    string Provider,
    string Model,
    ManifestPrompt Prompt,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    double DurationSeconds,
    ManifestCounts Counts,
    IReadOnlyDictionary<string, int> FailuresByKind,
    IReadOnlyDictionary<string, int> RetriesByReason,
    double EstimatedCost,
    string Currency,
    double ParagraphsPerSecond,
    IReadOnlyList<ManifestProblem> BadDocuments,
    IReadOnlyList<ManifestProblem> SkippedBlocks,
    ManifestAbort? Aborted,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> KeptFiles,
    IReadOnlyDictionary<string, long> DateRuns,
    string SchemaVersion,
    IReadOnlyList<ManifestBatch>? Batches = null,
    IReadOnlyDictionary<string, double>? SpendByKind = null,
    IReadOnlyDictionary<string, double>? SpendByTarget = null,
    ManifestBudget? Budget = null,
    IReadOnlyList<ManifestShard>? Shards = null,
    IReadOnlyList<ManifestAlert>? Alerts = null)
{
    /// <summary>How manifests (and the records that carry one) are written: snake_case, indented.</summary>
    internal static JsonSerializerOptions Json => s_json;

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The manifest's path relative to the dataset's root.</summary>
    public static string PathFor(RunStamp run) => $"runs/run_date={run.RunDate:yyyy-MM-dd}/{run.RunId}.json";

    /// <summary>The manifest as the JSON written to its file.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Reads a manifest back.</summary>
    public static RunManifest Read(string path) =>
        JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(path), s_json)!;
}

/// <summary>One shard of a sharded run (<c>--shards</c>): what it read and scored, and how it ended.</summary>
internal sealed record ManifestShard(
    int Shard,
    int ExitCode,
    int Documents,
    int Paragraphs,
    int Ok,
    int Failed,
    int Requests,
    double EstimatedCost,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    IReadOnlyList<string> Files);

/// <summary>An alert a run raised.</summary>
/// <param name="Kind"><c>drift</c>, <c>failed_run</c> or <c>failure_share</c>.</param>
/// <param name="Target">The watched target that drifted; null for the other kinds.</param>
/// <param name="Statistic">What <paramref name="Value"/> measures: <c>psi</c>, <c>exit_code</c> or
/// <c>failure_share</c>.</param>
/// <param name="Value">The figure that raised the alert.</param>
/// <param name="Threshold">The configured bound it passed; null for <c>failed_run</c>.</param>
/// <param name="Message">One sentence with the figures.</param>
internal sealed record ManifestAlert(
    string Kind,
    string? Target,
    string Statistic,
    double Value,
    double? Threshold,
    string Message);

/// <summary>The prompt folder a run used.</summary>
internal sealed record ManifestPrompt(string Name, string Sha256, IReadOnlyList<string> Files);

/// <summary>A run's counts.</summary>
internal sealed record ManifestCounts(
    int Documents,
    int BadDocuments,
    int Paragraphs,
    int Ok,
    int Failed,
    int Filtered,
    int FromCache,
    int Requests,
    long InputTokens,
    long OutputTokens,
    long CachedInputTokens = 0);

/// <summary>A skipped file, record or block and why.</summary>
internal sealed record ManifestProblem(string Path, string Reason);

/// <summary>A run's budget: its cap, and why it stopped the run's paid calls (null when it did not).</summary>
internal sealed record ManifestBudget(double MaxCost, string? Exceeded);

/// <summary>Why a run stopped before scoring everything.</summary>
internal sealed record ManifestAbort(string Kind, string Reason);

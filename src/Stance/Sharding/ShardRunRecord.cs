using Stance.Journal;

namespace Stance.Sharding;

/// <summary>A sharded run's identity, <c>.stance/shards/&lt;run name&gt;/run.json</c>: created (only if absent) by
/// the first shard to start, adopted by the others, so all agree on the run id and date without talking to each
/// other. A shard whose provider, model, prompt, shard count or input differ is refused.</summary>
/// <param name="InputSha256">The hash of the input's documents and their paragraph counts
/// (<see cref="ShardPlan.Fingerprint"/>): shards that read different input would split it differently.</param>
internal sealed record ShardRunRecord(
    string RunName,
    string RunId,
    DateOnly RunDate,
    string Provider,
    string Model,
    string PromptName,
    string PromptSha256,
    int Shards,
    string InputSha256,
    int Documents,
    int Paragraphs,
    DateTimeOffset CreatedAt,
    int CreatedBy)
{
    /// <summary>The run's stamp, for its rows.</summary>
    public RunStamp Stamp => new(RunId, RunDate, Provider, Model, PromptName, PromptSha256);

    /// <summary>What differs between this run and <paramref name="other"/> (empty: the same run).</summary>
    public IReadOnlyList<string> Differences(ShardRunRecord other)
    {
        var differences = new List<string>();
        Compare("provider", Provider, other.Provider);
        Compare("model", Model, other.Model);
        Compare("prompt", PromptSha256[..12], other.PromptSha256[..12]);
        Compare("shards", Shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
            other.Shards.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Compare("input", $"{Documents} documents, {Paragraphs} paragraphs, {InputSha256[..12]}",
            $"{other.Documents} documents, {other.Paragraphs} paragraphs, {other.InputSha256[..12]}");
        return differences;

        void Compare(string what, string mine, string theirs)
        {
            if (!string.Equals(mine, theirs, StringComparison.Ordinal))
            {
                differences.Add($"{what} {mine} (the run's) vs {theirs} (this shard's)");
            }
        }
    }
}

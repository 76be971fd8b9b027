using Stance.Journal;

namespace Stance.Sharding;

/// <summary>A sharded run's identity, <c>.stance/shards/&lt;run name&gt;/run.json</c>: created (only if absent) by
/// the first shard to start, adopted by the others, so all agree on the run id and date without talking to each
/// other. A shard whose provider, model, prompt or shard count differ is refused; one that reads other input (a file
/// arrived since) follows the plan the first shard recorded (<c>plan.json</c>), so no document goes to two
/// shards.</summary>
/// <param name="InputSha256">The hash of the input's documents and their paragraph counts as the first shard read
/// them (<see cref="ShardPlan.Fingerprint"/>).</param>
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

    /// <summary>The settings that differ between this run and <paramref name="other"/> (empty: the same
    /// run).</summary>
    public IReadOnlyList<string> Differences(ShardRunRecord other)
    {
        var differences = new List<string>();
        Compare("provider", Provider, other.Provider);
        Compare("model", Model, other.Model);
        Compare("prompt", PromptSha256[..12], other.PromptSha256[..12]);
        Compare("shards", Shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
            other.Shards.ToString(System.Globalization.CultureInfo.InvariantCulture));
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

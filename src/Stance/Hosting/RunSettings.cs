using Microsoft.Extensions.Options;
using Stance.Documents;
using Stance.Journal;
using Stance.Output;
using Stance.Scoring;
using Stance.Sharding;
using Stance.Storage.Objects;

namespace Stance.Hosting;

/// <summary>The settings one run reads, gathered from the options of the concepts that own them.</summary>
internal sealed class RunSettings(
    IOptions<InputOptions> input,
    IOptions<OutputOptions> output,
    IOptions<JournalOptions> journal,
    IOptions<ScoringOptions> scoring,
    IOptions<PricingOptions> pricing,
    IOptions<BudgetOptions> budget,
    IOptions<StorageOptions> storage,
    IOptions<ShardOptions> shards)
{
    /// <summary>The input folder.</summary>
    public string Input => input.Value.Input;

    /// <summary>The output: a local folder or an object store location.</summary>
    public string Output => output.Value.Folder;

    /// <summary>The output's object store location, or null for a local folder.</summary>
    public ObjectLocation? OutputStore => ObjectLocation.Parse(Output);

    /// <summary>The input's object store location, or null for a local folder.</summary>
    public ObjectLocation? InputStore => ObjectLocation.Parse(Input);

    /// <summary>The local folder for the run's state: <c>&lt;output&gt;/.stance</c> for a local output; for an
    /// object store, <c>Stance:Storage:StateFolder</c> or a folder under the system's temporary folder named after
    /// the location. Each shard of a sharded run has its own (<c>shard-KKKK</c> inside the default one, or
    /// <c>Stance:Storage:StateFolder</c>, also for a local output).</summary>
    public string StateFolder => (OutputStore, storage.Value.StateFolder) switch
    {
        ({ }, { } configured) => configured,
        // A shard writing to a shared volume keeps its journal on its own local disk when told where.
        (null, { } configured) when shards.Value.Sharded => configured,
        ({ } store, null) => Path.Combine(Path.GetTempPath(), "stance-state", Slug(store.ToString()), ShardFolder),
        _ => Path.Combine(Output, ".stance", ShardFolder),
    };

    /// <summary>The local claim on a local output folder, whichever process takes it (a run, a shard's
    /// commit).</summary>
    public string OutputClaimPath => Path.Combine(Output, ".stance", "run.lock");

    /// <summary>How the run is spread over processes.</summary>
    public ShardOptions Shards => shards.Value;

    /// <summary>This process's shard index (0 for a run in one process or a <c>--commit</c> step).</summary>
    public int ShardIndex => shards.Value.ShardIndex ?? 0;

    // A run in one process keeps its state where it always has; a shard (or a --commit step) in a folder of its own.
    private string ShardFolder => !shards.Value.Sharded
        ? ""
        : shards.Value.ShardIndex is { } index ? $"shard-{index:D4}" : "commit";

    /// <summary>The object store settings.</summary>
    public StorageOptions Storage => storage.Value;

    /// <summary>Rows per Parquet part file.</summary>
    public int RowsPerPart => output.Value.RowsPerPart;

    /// <summary>How a run joins its date's partition.</summary>
    public ReplaceMode ReplaceMode => output.Value.Mode;

    /// <summary>The journal file in force.</summary>
    public string JournalPath => journal.Value.File ?? Path.Combine(StateFolder, "journal.db");

    /// <summary>Whether answers journaled by earlier runs are reused.</summary>
    public bool Cache => journal.Value.Cache;

    /// <summary>How many paragraphs are scored at once.</summary>
    public int Concurrency => scoring.Value.Concurrency;

    /// <summary>The prices for the cost estimates.</summary>
    public PricingOptions Pricing => pricing.Value;

    /// <summary>The cap on a run's cost, or null.</summary>
    public double? MaxCost => budget.Value.MaxCost;

    /// <summary>How the input is read: the output folder and the journal are never input.</summary>
    public ReadOptions Reading => new(OutputStore is null ? Output : StateFolder, journal.Value.File,
        input.Value.MaxDocumentBytes);

    // Readable, and unique: s3://a/b_c and s3://a/b/c read alike but hash apart.
    private static string Slug(string location) =>
        string.Concat(location.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_')) + "-" +
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(location)))[..8];
}

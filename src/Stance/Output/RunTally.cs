using Microsoft.Extensions.Options;
using Stance.Scoring;

namespace Stance.Output;

/// <summary>The counts and the cost of a run's rows, kept as rows stream past (for the manifest and the summary). Each
/// row's cost is its tokens at <see cref="PricingOptions"/> (a batch's at the batch price, cached prompt tokens at the
/// cached price), and is also summed by kind and by the row's main target.</summary>
internal sealed class RunTally(IOptions<PricingOptions> pricing)
{
    /// <summary>The spend of first asks (a row's cost shared evenly over its attempts: the first one's).</summary>
    public const string FirstAsks = "first_asks";

    /// <summary>The spend of retries and re-asks (the attempts after a row's first).</summary>
    public const string RetriesAndReasks = "retries_and_reasks";

    /// <summary>The spend of rows answered by synchronous calls.</summary>
    public const string Sync = "sync";

    /// <summary>The spend of rows answered by provider batches.</summary>
    public const string Batch = "batch";

    /// <summary>The part of the spend that paid for prompt tokens served from the provider's cache.</summary>
    public const string Cached = "cached_input";

    /// <summary>The target of rows whose answer names no main target (and of failed rows).</summary>
    public const string NoTarget = "(none)";

    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _byKind = new(StringComparer.Ordinal)
    {
        [FirstAsks] = 0,
        [RetriesAndReasks] = 0,
        [Sync] = 0,
        [Batch] = 0,
        [Cached] = 0,
    };

    private readonly Dictionary<string, double> _byTarget = new(StringComparer.Ordinal);
    private double _cost;

    /// <summary>Paragraph rows written.</summary>
    public int Paragraphs { get; private set; }

    /// <summary>Rows with status ok.</summary>
    public int Ok { get; private set; }

    /// <summary>Rows with status failed.</summary>
    public int Failed { get; private set; }

    /// <summary>Rows with status filtered.</summary>
    public int Filtered { get; private set; }

    /// <summary>Rows whose answer was reused.</summary>
    public int FromCache { get; private set; }

    /// <summary>Requests made in this run.</summary>
    public int Requests { get; private set; }

    /// <summary>Input tokens paid in this run.</summary>
    public long InputTokens { get; private set; }

    /// <summary>Output tokens paid in this run.</summary>
    public long OutputTokens { get; private set; }

    /// <summary>Input tokens the provider served from its prompt cache in this run (included in
    /// <see cref="InputTokens"/>).</summary>
    public long CachedInputTokens { get; private set; }

    /// <summary>Input tokens paid through provider batches in this run (included in
    /// <see cref="InputTokens"/>).</summary>
    public long BatchInputTokens { get; private set; }

    /// <summary>Output tokens paid through provider batches in this run (included in
    /// <see cref="OutputTokens"/>).</summary>
    public long BatchOutputTokens { get; private set; }

    /// <summary>Rows answered by a provider batch.</summary>
    public int FromBatch { get; private set; }

    /// <summary>Rows not ok, by <c>error_kind</c>.</summary>
    public IReadOnlyDictionary<string, int> FailuresByKind => _failures;

    /// <summary>The cost of this run's tokens: batch tokens at the batch discount, cached prompt tokens at the cached
    /// price.</summary>
    public double Cost => Math.Round(_cost, 6);

    /// <summary>The cost by kind: <see cref="FirstAsks"/> and <see cref="RetriesAndReasks"/> sum to
    /// <see cref="Cost"/>, so do <see cref="Sync"/> and <see cref="Batch"/>; <see cref="Cached"/> is the part paid for
    /// cached prompt tokens.</summary>
    public IReadOnlyDictionary<string, double> SpendByKind =>
        _byKind.ToDictionary(s => s.Key, s => Math.Round(s.Value, 6), StringComparer.Ordinal);

    /// <summary>The cost by the rows' <c>main_target</c> (<see cref="NoTarget"/> when null), largest first; only
    /// targets that cost something.</summary>
    public IReadOnlyDictionary<string, double> SpendByTarget =>
        _byTarget
            .OrderByDescending(s => s.Value)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .ToDictionary(s => s.Key, s => Math.Round(s.Value, 6), StringComparer.Ordinal);

    /// <summary>Counts one paragraph row.</summary>
    public void Add(ParagraphRow row)
    {
        Paragraphs++;
        switch (row.Status)
        {
            case "ok":
                Ok++;
                break;
            case "filtered":
                Filtered++;
                break;
            default:
                Failed++;
                break;
        }

        FromCache += row.FromCache ? 1 : 0;
        Requests += row.Attempts;
        InputTokens += row.InputTokens ?? 0;
        OutputTokens += row.OutputTokens ?? 0;
        CachedInputTokens += row.CachedInputTokens ?? 0;
        var batch = row.Mode == "batch" && !row.FromCache;
        if (batch)
        {
            FromBatch++;
            BatchInputTokens += row.InputTokens ?? 0;
            BatchOutputTokens += row.OutputTokens ?? 0;
        }

        if (row.ErrorKind is { } kind)
        {
            _failures[kind] = _failures.GetValueOrDefault(kind) + 1;
        }

        Spend(row, batch);
    }

    private void Spend(ParagraphRow row, bool batch)
    {
        var prices = pricing.Value;
        var share = batch ? prices.BatchDiscount : 1;
        var (input, cached) = (row.InputTokens ?? 0, row.CachedInputTokens ?? 0);
        var cost = prices.Price(input, row.OutputTokens ?? 0, cached) * share;
        if (cost <= 0)
        {
            return;
        }

        _cost += cost;
        var asks = Math.Max(1, row.Attempts);
        _byKind[FirstAsks] += cost / asks;
        _byKind[RetriesAndReasks] += cost * (asks - 1) / asks;
        _byKind[batch ? Batch : Sync] += cost;
        _byKind[Cached] += prices.Price(cached, 0, cached) * share;
        var target = row.MainTarget ?? NoTarget;
        _byTarget[target] = _byTarget.GetValueOrDefault(target) + cost;
    }
}

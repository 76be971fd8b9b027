namespace Stance.Output;

/// <summary>The counts of a run's rows, kept as rows stream past (for the manifest and the summary).</summary>
internal sealed class RunTally
{
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

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

    /// <summary>The cost of this run's tokens: batch tokens at the batch discount.</summary>
    public double Cost(Scoring.PricingOptions pricing) =>
        Math.Round(
            pricing.Cost(InputTokens - BatchInputTokens, OutputTokens - BatchOutputTokens)
                + (pricing.Cost(BatchInputTokens, BatchOutputTokens) * pricing.BatchDiscount),
            6);

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
        if (row.Mode == "batch" && !row.FromCache)
        {
            FromBatch++;
            BatchInputTokens += row.InputTokens ?? 0;
            BatchOutputTokens += row.OutputTokens ?? 0;
        }

        if (row.ErrorKind is { } kind)
        {
            _failures[kind] = _failures.GetValueOrDefault(kind) + 1;
        }
    }
}

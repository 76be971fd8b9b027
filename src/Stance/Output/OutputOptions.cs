namespace Stance.Output;

/// <summary>How a run's tables join its date's partition, bound from the children of <c>Stance:Output</c>
/// (whose own value is the output folder), e.g. <c>--Stance:Output:Replace=date</c>.</summary>
internal sealed class OutputOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Output";

    /// <summary><c>documents</c> (default: replace the rows of the documents read, keep the rest of the date) or
    /// <c>date</c> (replace the whole date: the run is a snapshot).</summary>
    public string Replace { get; set; } = "documents";

    /// <summary>The parsed <see cref="Replace"/>.</summary>
    public ReplaceMode Mode => string.Equals(Replace, "date", StringComparison.OrdinalIgnoreCase) ? ReplaceMode.Date : ReplaceMode.Documents;
}

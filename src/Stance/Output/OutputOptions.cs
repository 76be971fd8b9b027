using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Stance.Output;

/// <summary>Where the tables go and how a run joins its date's partition, bound from <c>Stance</c>:
/// <c>Stance:Output</c> (the folder), <c>Stance:RowsPerPart</c> and <c>Stance:Output:Replace</c>.</summary>
internal sealed class OutputOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>The folder the Parquet tables are written under.</summary>
    [ConfigurationKeyName("Output")]
    public string Folder { get; set; } = "out";

    /// <summary>Rows per Parquet part file; a run's tables roll over to a new part after this many rows.</summary>
    [Range(1, int.MaxValue)]
    public int RowsPerPart { get; set; } = ParquetOutput.DefaultRowsPerPart;

    /// <summary><c>documents</c> (default: replace the rows of the documents read, keep the rest of the date) or
    /// <c>date</c> (replace the whole date: the run is a snapshot).</summary>
    [ConfigurationKeyName("Output:Replace")]
    public string Replace { get; set; } = "documents";

    /// <summary>The parsed <see cref="Replace"/>.</summary>
    public ReplaceMode Mode =>
        string.Equals(Replace, "date", StringComparison.OrdinalIgnoreCase) ? ReplaceMode.Date : ReplaceMode.Documents;
}

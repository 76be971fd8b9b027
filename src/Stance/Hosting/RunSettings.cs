using Microsoft.Extensions.Options;
using Stance.Documents;
using Stance.Journal;
using Stance.Output;
using Stance.Scoring;

namespace Stance.Hosting;

/// <summary>The settings one run reads, gathered from the options of the concepts that own them.</summary>
internal sealed class RunSettings(
    IOptions<InputOptions> input,
    IOptions<OutputOptions> output,
    IOptions<JournalOptions> journal,
    IOptions<ScoringOptions> scoring,
    IOptions<PricingOptions> pricing,
    IOptions<BudgetOptions> budget)
{
    /// <summary>The input folder.</summary>
    public string Input => input.Value.Input;

    /// <summary>The output folder.</summary>
    public string Output => output.Value.Folder;

    /// <summary>Rows per Parquet part file.</summary>
    public int RowsPerPart => output.Value.RowsPerPart;

    /// <summary>How a run joins its date's partition.</summary>
    public ReplaceMode ReplaceMode => output.Value.Mode;

    /// <summary>The journal file in force.</summary>
    public string JournalPath => journal.Value.PathFor(Output);

    /// <summary>Whether answers journaled by earlier runs are reused.</summary>
    public bool Cache => journal.Value.Cache;

    /// <summary>How many paragraphs are scored at once.</summary>
    public int Concurrency => scoring.Value.Concurrency;

    /// <summary>The prices for the cost estimates.</summary>
    public PricingOptions Pricing => pricing.Value;

    /// <summary>The cap on a run's cost, or null.</summary>
    public double? MaxCost => budget.Value.MaxCost;

    /// <summary>How the input is read: the output folder and the journal are never input.</summary>
    public ReadOptions Reading => new(Output, journal.Value.File, input.Value.MaxDocumentBytes);
}

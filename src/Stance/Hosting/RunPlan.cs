using System.Globalization;
using Spectre.Console;
using Stance.Reporting;
using Stance.Scoring;

namespace Stance.Hosting;

/// <summary>What a run would do: the first <see cref="DryRunPlanner.ListedDocuments"/> documents one by one, and
/// totals.</summary>
internal sealed record RunPlan(
    DateOnly RunDate,
    string Provider,
    string Model,
    string PromptSha256,
    IReadOnlyList<DocumentPlan> Documents,
    int DocumentCount,
    DocumentPlan Total,
    int BadDocuments,
    double EstimatedCost,
    string Currency)
{
    /// <summary>Paragraphs in all documents.</summary>
    public int Paragraphs => Total.Paragraphs;

    /// <summary>Paragraphs answered from the journal (or by an identical request earlier in the run).</summary>
    public int CacheHits => Total.CacheHits;

    /// <summary>LLM calls needed (first attempts; retries and re-asks come on top).</summary>
    public int Calls => Total.Calls;

    /// <summary>Estimated input tokens.</summary>
    public long InputTokens => Total.InputTokens;

    /// <summary>Estimated output tokens.</summary>
    public long OutputTokens => Total.OutputTokens;

    /// <summary>The estimated cost with <c>--batch</c> (at <c>Stance:Pricing:BatchDiscount</c>).</summary>
    public double BatchEstimatedCost { get; init; }

    /// <summary>The cap on the run's cost (<c>Stance:Budget:MaxCost</c>), or null.</summary>
    public double? MaxCost { get; init; }

    /// <summary>Whether the estimates fit the budget, in words.</summary>
    public string Budget => MaxCost switch
    {
        null => "none set (Stance:Budget:MaxCost)",
        { } max => string.Create(CultureInfo.InvariantCulture, $"{max:0.######} {Currency}, ") + (
            EstimatedCost <= max ? "the plan fits it"
            : BatchEstimatedCost <= max ? "the plan does not fit it called one by one, it fits with --batch"
            : "the plan does not fit it, not even with --batch"),
    };

    /// <summary>How input tokens were counted (<see cref="TokenEstimator.Method"/>): a tokenizer's name, or
    /// <c>chars/4</c>.</summary>
    public string TokenMethod { get; init; } = TokenEstimator.CharsMethod;

    /// <summary>How input tokens were counted, in words.</summary>
    public string TokenCounting => TokenMethod == TokenEstimator.CharsMethod
        ? FormattableString.Invariant(
            $"input tokens by {TokenMethod}: a rough estimate at {TokenEstimator.CharsPerToken} characters a token, ")
            + "no tokenizer being known for the model"
        : $"input tokens by {TokenMethod}: counted with the model's tokenizer, plus an estimated "
            + $"{TokenEstimator.TokensPerMessage} a message for the chat format";

    /// <summary>The line above the table.</summary>
    public string Title =>
        $"Dry run for {RunDate:yyyy-MM-dd}: provider {Provider}, model {Model}, prompt {PromptSha256[..12]} "
        + "(no call made, nothing written)";

    /// <summary>The line below the table.</summary>
    public string Footer => string.Create(
        CultureInfo.InvariantCulture,
        $"estimated cost: {EstimatedCost:0.######} {Currency} called one by one, {BatchEstimatedCost:0.######} "
        + $"{Currency} with --batch ({TokenCounting}, output tokens at the configured output tokens per call); "
        + $"budget: {Budget}");

    /// <summary>The documents, the rest summed in one row, and the total.</summary>
    public Table ToTable()
    {
        var table = ConsoleTable.Create("document", "paragraphs", "cached", "calls", "in tokens", "out tokens");
        foreach (var d in Documents)
        {
            var name = d.DocumentId.Length > 48 ? "…" + d.DocumentId[^47..] : d.DocumentId;
            Add(table, name, d.Paragraphs, d.CacheHits, d.Calls, d.InputTokens, d.OutputTokens);
        }

        if (DocumentCount > Documents.Count)
        {
            Add(
                table,
                $"… and {DocumentCount - Documents.Count} more documents",
                Paragraphs - Documents.Sum(d => d.Paragraphs),
                CacheHits - Documents.Sum(d => d.CacheHits),
                Calls - Documents.Sum(d => d.Calls),
                InputTokens - Documents.Sum(d => d.InputTokens),
                OutputTokens - Documents.Sum(d => d.OutputTokens));
        }

        Add(table, $"total ({DocumentCount} documents, {BadDocuments} bad)", Paragraphs, CacheHits, Calls, InputTokens,
            OutputTokens);
        return table;
    }

    private static void Add(Table table, string name, int paragraphs, int cached, int calls, long input, long output) =>
        table.AddCells(name, Number(paragraphs), Number(cached), Number(calls), Number(input), Number(output));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

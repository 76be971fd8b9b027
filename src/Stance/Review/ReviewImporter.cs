using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Output;
using Stance.Storage.Objects;

namespace Stance.Review;

/// <summary><c>--import-review &lt;file&gt;</c>: reads Label Studio's JSON export of a review project and merges the
/// reviewed items into the gold file (docs/review.md).</summary>
internal sealed partial class ReviewImporter(
    IOptions<ReviewOptions> options,
    IOptions<OutputOptions> output,
    ILogger<ReviewImporter> logger)
{
    /// <summary>The gold file in force and where its path came from: <c>Stance:Review:Gold</c> (<c>--gold</c>), else
    /// <paramref name="eval"/> (<c>Stance:Eval</c>), else <c>&lt;output&gt;/review/gold.jsonl</c> for a local
    /// output.</summary>
    public (string Path, string From) GoldPath(string? eval)
    {
        if (options.Value.Gold is { } gold)
        {
            return (Path.GetFullPath(gold), "Stance:Review:Gold (--gold)");
        }

        if (eval is not null)
        {
            return (Path.GetFullPath(eval), "Stance:Eval (--eval)");
        }

        if (ObjectLocation.TryParse(output.Value.Folder) is not null)
        {
            throw new ReviewException(
                "Stance:Review:Gold: the output is an object store and the gold file is a local file: give it with " +
                "--gold <file>");
        }

        return (Path.GetFullPath(Path.Combine(output.Value.Folder, "review", "gold.jsonl")),
            "the default <output>/review/gold.jsonl");
    }

    /// <summary>Reads the export whole, then merges its reviewed items into the gold file, rewritten whole. Throws
    /// <see cref="ReviewException"/> (the gold file untouched) when the export is malformed.</summary>
    public async Task ImportAsync(string exportPath, string? eval, CancellationToken cancellationToken)
    {
        var (gold, from) = GoldPath(eval);
        var export = LabelStudioExport.Read(Path.GetFullPath(exportPath));
        var merge = await GoldFile.MergeAsync(gold, export.Items, cancellationToken).ConfigureAwait(false);

        var console = Console.Out;
        console.WriteLine($"Review import of {Path.GetFullPath(exportPath)}: {export.Tasks} tasks");
        console.WriteLine($"  {export.Items.Count} reviewed items: {merge.Added} added, {merge.Relabelled} " +
            $"relabelled (the reviewer's label replaced the file's), {merge.Unchanged} already there with that label");
        console.WriteLine($"  {export.Unusable} tasks without a usable annotation, not written: " +
            $"{export.WithoutAnnotation} not annotated, {export.OnlyCancelled} only skipped (cancelled), " +
            $"{export.WithoutChoice} without a stance choice");
        console.WriteLine($"  gold file: {gold} (from {from})");
        LogImported(logger, export.Tasks, export.Items.Count, merge.Added, merge.Relabelled, merge.Unchanged,
            export.Unusable, gold, from);
    }

    [LoggerMessage(EventId = 505, Level = LogLevel.Information,
        Message = "Review import: {Tasks} tasks, {Reviewed} reviewed ({Added} added, {Relabelled} relabelled, " +
            "{Unchanged} unchanged), {Unusable} without a usable annotation; gold file {Gold} (from {From})")]
    private static partial void LogImported(
        ILogger logger,
        int tasks,
        int reviewed,
        int added,
        int relabelled,
        int unchanged,
        int unusable,
        string gold,
        string from);
}

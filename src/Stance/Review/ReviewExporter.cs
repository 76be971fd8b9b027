using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Storage;

namespace Stance.Review;

/// <summary><c>--export-review &lt;file&gt;</c>: writes the items of one <c>run_date</c> a person should look at as a
/// Label Studio import file, and the labelling config beside it (docs/review.md).</summary>
internal sealed partial class ReviewExporter(
    ReviewDataset dataset,
    IOptions<ReviewOptions> options,
    ILogger<ReviewExporter> logger)
{
    /// <summary>Reads the date, picks the items and writes <paramref name="exportPath"/> and
    /// <c>&lt;exportPath&gt;.label-config.xml</c>, each whole (a temporary file renamed into place). Throws
    /// <see cref="ReviewException"/> when the dataset or the date is not there.</summary>
    public async Task ExportAsync(string exportPath, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var table = await dataset.ReadAsync(settings.RunDate, cancellationToken).ConfigureAwait(false);
        var byProbability = settings.UseProbability && table.Targets.Any(r => r.LabelProbability is not null);
        if (settings.UseProbability && !byProbability)
        {
            LogNoProbability(
                logger,
                table.HasProbabilityColumn ? "has only null values in" : "is absent from",
                ReviewDataset.ProbabilityColumn);
        }

        // By probability, a row without one (carried from an older night) is judged by its confidence.
        Func<ReviewTargetRow, double> score = byProbability
            ? r => r.LabelProbability ?? r.Confidence
            : r => r.Confidence;
        var items = ReviewSelection.Pick(
            table.Targets, table.Paragraphs, score, settings.ConfidenceThreshold, settings.RandomShare, settings.Seed);

        var path = Path.GetFullPath(exportPath);
        var config = LabelConfig.PathBeside(path);
        await DurableFile.WriteTextAsync(path, LabelStudioTasks.Render(items, table.RunDate), cancellationToken)
            .ConfigureAwait(false);
        await DurableFile.WriteTextAsync(config, LabelConfig.Xml, cancellationToken).ConfigureAwait(false);

        var low = items.Count(i => i.Reason == ReviewItem.LowScore);
        var random = items.Count - low;
        var date = table.RunDate.ToString(ReviewOptions.DateFormat, CultureInfo.InvariantCulture);
        var by = byProbability ? ReviewDataset.ProbabilityColumn : "confidence";
        var missing = items.Count(i => i.Paragraph is null);
        var console = Console.Out;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Review export of run_date={date} in {table.Location}: {table.Targets.Count} target rows"));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {low} with {by} below {settings.ConfidenceThreshold}, {random} random of the other " +
            $"{table.Targets.Count - low} (share {settings.RandomShare}, seed {settings.Seed}): {items.Count} tasks"));
        console.WriteLine($"  tasks:           {path}");
        console.WriteLine($"  labelling config: {config}");
        if (missing > 0)
        {
            LogParagraphsMissing(logger, missing);
        }

        LogExported(logger, items.Count, low, by, settings.ConfidenceThreshold, random, table.Targets.Count, date,
            path, config);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information,
        Message = "Review export: {Tasks} tasks ({Low} with {By} below {Threshold}, {Random} random) of {Rows} " +
            "target rows of run_date={RunDate}, written to {Path}; labelling config {Config}")]
    private static partial void LogExported(
        ILogger logger,
        int tasks,
        int low,
        string by,
        double threshold,
        int random,
        int rows,
        string runDate,
        string path,
        string config);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning,
        Message = "Stance:Review:UseProbability: the column {Column} {State} the targets table of this date, so the " +
            "items are picked by confidence")]
    private static partial void LogNoProbability(ILogger logger, string state, string column);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning,
        Message = "{Count} picked target rows have no paragraph row of their date: their task shows the evidence " +
            "instead of the paragraph")]
    private static partial void LogParagraphsMissing(ILogger logger, int count);
}

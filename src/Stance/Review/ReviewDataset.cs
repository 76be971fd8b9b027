using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parquet;
using Stance.Journal;
using Stance.Output;
using Stance.Storage.Objects;
using Stance.Storage.Objects.Folder;

namespace Stance.Review;

/// <summary>Reads one <c>run_date</c> of the committed tables back, from a local folder or an object store, through
/// the same <see cref="IDataset"/> a run writes with. Nothing is claimed nor written: a run may commit beside it (a
/// reader sees each part whole, before or after).</summary>
internal sealed class ReviewDataset(
    IOptions<OutputOptions> output,
    IObjectStores stores,
    ILogger<ReviewDataset> logger)
{
    /// <summary>The optional column of the <c>targets</c> table <c>Stance:Review:UseProbability</c> picks by.</summary>
    public const string ProbabilityColumn = "label_probability";

    private const string TargetsPrefix = "targets/run_date=";

    /// <summary>Reads the date <paramref name="runDate"/> (<c>yyyy-MM-dd</c>), or the latest one when null. Throws
    /// <see cref="ReviewException"/> when the dataset or the date is not there.</summary>
    public async Task<ReviewTable> ReadAsync(string? runDate, CancellationToken cancellationToken)
    {
        var (store, dataset, spool) = Open();
        try
        {
            var dates = await RunDatesAsync(store, cancellationToken).ConfigureAwait(false);
            if (dates.Count == 0)
            {
                throw new ReviewException(
                    $"the dataset {store.Location} has no committed targets table (targets/run_date=…/part-….parquet)" +
                    ": run the job first, or point Stance:Output (--output) at the dataset to review");
            }

            var date = dates[^1];
            if (runDate is not null)
            {
                date = DateOnly.ParseExact(runDate, ReviewOptions.DateFormat, CultureInfo.InvariantCulture);
                if (!dates.Contains(date))
                {
                    var known = string.Join(", ", dates.TakeLast(5).Select(d => d.ToString(
                        ReviewOptions.DateFormat, CultureInfo.InvariantCulture)));
                    throw new ReviewException(
                        $"Stance:Review:RunDate: the dataset {store.Location} has no targets for run_date={runDate} " +
                        $"(its latest dates: {known})");
                }
            }

            // Only the date matters to the listing: the partition holds every run's rows of that date.
            var stamp = new RunStamp("review", date, "", "", "", "");
            var targets = new List<ReviewTargetRow>();
            var probability = false;
            foreach (var part in await dataset.CommittedPartsAsync("targets", stamp, cancellationToken)
                .ConfigureAwait(false))
            {
                var path = await dataset.LocalCopyAsync(part, cancellationToken).ConfigureAwait(false);
                targets.AddRange(await PartFile.ReadRowsAsync<ReviewTargetRow>(path, cancellationToken)
                    .ConfigureAwait(false));
                probability |= await HasColumnAsync(path, ProbabilityColumn, cancellationToken).ConfigureAwait(false);
            }

            var paragraphs = new Dictionary<string, ReviewParagraphRow>(StringComparer.Ordinal);
            foreach (var part in await dataset.CommittedPartsAsync("paragraphs", stamp, cancellationToken)
                .ConfigureAwait(false))
            {
                var path = await dataset.LocalCopyAsync(part, cancellationToken).ConfigureAwait(false);
                foreach (var row in await PartFile.ReadRowsAsync<ReviewParagraphRow>(path, cancellationToken)
                    .ConfigureAwait(false))
                {
                    paragraphs.TryAdd(row.ParagraphId, row);
                }
            }

            return new ReviewTable(store.Location, date, targets, paragraphs, probability);
        }
        finally
        {
            dataset.DiscardCopies();
            if (spool is not null && Directory.Exists(spool))
            {
                Directory.Delete(spool, recursive: true);
            }
        }
    }

    // A local folder is read in place; an object store's parts are copied into a spool folder of this read's own.
    private (IObjectStore Store, IDataset Dataset, string? Spool) Open()
    {
        var folder = output.Value.Folder;
        ObjectLocation? location;
        try
        {
            location = ObjectLocation.Parse(folder);
        }
        catch (FormatException ex)
        {
            throw new ReviewException($"Stance:Output: {ex.Message}");
        }

        if (location is null)
        {
            if (!Directory.Exists(folder))
            {
                throw new ReviewException(
                    $"Stance:Output: the dataset folder '{Path.GetFullPath(folder)}' does not exist: run the job " +
                    "first, or point --output at the dataset to review");
            }

            return (new FolderObjectStore(folder), new LocalDataset(folder, logger), null);
        }

        var spool = Path.Combine(Path.GetTempPath(), "stance-review", Guid.NewGuid().ToString("N"));
        var store = stores.Open(location);
        return (store, new ObjectDataset(store, spool, logger), spool);
    }

    private static async Task<List<DateOnly>> RunDatesAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var dates = new SortedSet<DateOnly>();
        foreach (var stored in await store.ListAsync(TargetsPrefix, cancellationToken).ConfigureAwait(false))
        {
            var rest = stored.Key[TargetsPrefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0
                && ParquetOutput.IsPartName(rest[(slash + 1)..])
                && DateOnly.TryParseExact(rest[..slash], ReviewOptions.DateFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var date))
            {
                dates.Add(date);
            }
        }

        return [.. dates];
    }

    private static async Task<bool> HasColumnAsync(string path, string column, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return reader.Schema.DataFields.Any(f => f.Name == column);
            }
        }
    }
}

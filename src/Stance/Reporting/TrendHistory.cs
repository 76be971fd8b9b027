using Stance.Journal;
using Stance.Output;

namespace Stance.Reporting;

/// <summary>Reads the trend window back from the dataset: the committed <c>targets</c> parts of the run dates in
/// [run date − nights + 1, run date], the few columns the charts need, one date at a time.</summary>
internal static class TrendHistory
{
    /// <summary>The table read.</summary>
    public const string Table = "targets";

    /// <summary>The nights of the window ending on <paramref name="run"/>'s date that have committed parts, oldest
    /// first, counting the rows of the <paramref name="targets"/> (watched targets) only.</summary>
    public static async Task<IReadOnlyList<TrendNight>> ReadAsync(
        IDataset dataset,
        RunStamp run,
        IReadOnlyList<string> targets,
        int nights,
        CancellationToken cancellationToken)
    {
        var watched = targets.ToHashSet(StringComparer.Ordinal);
        var result = new List<TrendNight>();
        TrendNight? previous = null;
        for (var date = run.RunDate.AddDays(1 - nights); date <= run.RunDate; date = date.AddDays(1))
        {
            var parts = await dataset.CommittedPartsAsync(Table, run with { RunDate = date }, cancellationToken)
                .ConfigureAwait(false);
            if (parts.Count == 0)
            {
                continue;
            }

            var counts = new Dictionary<string, LabelCounts>(StringComparer.Ordinal);
            var prompts = new Dictionary<string, int>(StringComparer.Ordinal);
            var models = new Dictionary<string, int>(StringComparer.Ordinal);
            try
            {
                foreach (var part in parts)
                {
                    var path = await dataset.LocalCopyAsync(part, cancellationToken).ConfigureAwait(false);
                    foreach (var row in await PartFile.ReadRowsAsync<TrendRow>(path, cancellationToken)
                        .ConfigureAwait(false))
                    {
                        prompts[row.PromptSha256] = prompts.GetValueOrDefault(row.PromptSha256) + 1;
                        models[row.Model] = models.GetValueOrDefault(row.Model) + 1;
                        if (row.Watched && watched.Contains(row.Target))
                        {
                            counts[row.Target] = (counts.GetValueOrDefault(row.Target) ?? LabelCounts.Empty)
                                .Add(row.StanceLabel, row.StanceScore);
                        }
                    }
                }
            }
            finally
            {
                // An object store's parts were copied to local files: one date's at a time on disk.
                dataset.DiscardCopies();
            }

            var night = new TrendNight(date, MostCommon(prompts), MostCommon(models), counts, []);
            night = night with { Changes = ChangesSince(previous, night) };
            result.Add(night);
            previous = night.PromptSha256 is null ? previous : night;
        }

        return result;
    }

    // What changed since the last night with rows: a new prompt hash, a new model.
    private static List<string> ChangesSince(TrendNight? previous, TrendNight night)
    {
        var changes = new List<string>();
        if (previous is null || night.PromptSha256 is null)
        {
            return changes;
        }

        if (previous.PromptSha256 != night.PromptSha256)
        {
            changes.Add($"prompt {Short(previous.PromptSha256)} → {Short(night.PromptSha256)}");
        }

        if (previous.Model != night.Model)
        {
            changes.Add($"model {previous.Model} → {night.Model}");
        }

        return changes;
    }

    private static string Short(string? sha) => sha is { Length: > 12 } ? sha[..12] : sha ?? string.Empty;

    // The value most rows carry (rows kept from an earlier run of the date may carry another); ties by name.
    private static string? MostCommon(Dictionary<string, int> values) =>
        values.Count == 0
            ? null
            : values.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).First().Key;
}

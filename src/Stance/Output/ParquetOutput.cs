using Microsoft.Extensions.Logging;
using Parquet;
using Parquet.Serialization;
using Stance.Journal;

namespace Stance.Output;

/// <summary>Writes the two tables as Hive-partitioned Parquet part files under the dataset's root, a local folder
/// (<see cref="LocalDataset"/>) or an object store (<see cref="ObjectDataset"/>).</summary>
/// <remarks>
/// Rows stream in; every <c>RowsPerPart</c> rows a part is written and staged (invisible: a hidden temporary file, an
/// uncompleted upload), so memory does not grow with the corpus. At the end the run replaces, in its run date's
/// partition, the rows of the documents it read (<see cref="ReplaceMode.Documents"/>, the default): an earlier part
/// that holds none of them stays as it is; one that holds some is replaced, its other rows carried into the run's own
/// parts. With <see cref="ReplaceMode.Date"/> every earlier part of the date is replaced. The commit is recorded
/// first; then the old parts are removed and the new ones made visible, each step atomic; then the record is
/// removed. A crash at any point is finished (rolled forward) by the next run's recovery, so a reader never sees a
/// partial file or two rows for one paragraph (old rows disappear before new ones appear: at worst, briefly,
/// fewer).
/// </remarks>
internal sealed class ParquetOutput(ILogger<ParquetOutput> logger)
{
    /// <summary>The version of the table layout, written into each file's metadata.</summary>
    public const string SchemaVersion = "4";

    /// <summary>The default number of rows in one part file.</summary>
    public const int DefaultRowsPerPart = 10_000;

    /// <summary>The tables a run writes.</summary>
    internal static readonly string[] Tables = ["paragraphs", "targets"];

    /// <summary>The dataset in the local folder <paramref name="outputFolder"/>.</summary>
    public LocalDataset Local(string outputFolder) => new(outputFolder, logger);

    /// <summary>Finishes a commit that a crash interrupted in a local folder and removes temporary files that no
    /// commit refers to.</summary>
    public void Recover(string outputFolder) =>
        Local(outputFolder).RecoverAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Starts writing a run's tables into a local folder.</summary>
    public RunTables Begin(
        string outputFolder,
        RunStamp run,
        int rowsPerPart = DefaultRowsPerPart,
        ReplaceMode replace = ReplaceMode.Documents) =>
        new(Local(outputFolder), run, rowsPerPart, replace);

    /// <summary>Starts writing a run's tables into <paramref name="dataset"/>.</summary>
    public static RunTables Begin(
        IDataset dataset,
        RunStamp run,
        int rowsPerPart,
        ReplaceMode replace,
        string? tag = null) =>
        new(dataset, run, rowsPerPart, replace, tag);

    /// <summary>Writes both tables for one run at once; returns the part files, relative to the output
    /// folder.</summary>
    public async Task<IReadOnlyList<string>> WriteAsync(
        string outputFolder,
        RunStamp run,
        IReadOnlyList<ParagraphRow> paragraphs,
        IReadOnlyList<TargetRow> targets,
        CancellationToken cancellationToken)
    {
        var tables = Begin(outputFolder, run, replace: ReplaceMode.Date);
        foreach (var row in paragraphs)
        {
            await tables.AddParagraphAsync(row, cancellationToken).ConfigureAwait(false);
        }

        foreach (var row in targets)
        {
            await tables.AddTargetAsync(row, cancellationToken).ConfigureAwait(false);
        }

        return (await tables.CommitAsync(cancellationToken).ConfigureAwait(false)).Files;
    }

    /// <summary>The Hive partition folder of a table for the run's date.</summary>
    public static string PartitionFolder(string outputFolder, string table, RunStamp run) =>
        Path.Combine(outputFolder, table, $"run_date={run.RunDate:yyyy-MM-dd}");

    /// <summary>The partition of a table for the run's date, relative to the dataset's root, with a final
    /// <c>/</c>.</summary>
    public static string Partition(string table, RunStamp run) => $"{table}/run_date={run.RunDate:yyyy-MM-dd}/";

    /// <summary>The path of a run's part, relative to the dataset's root; a shard's parts carry its
    /// <paramref name="tag"/>.</summary>
    public static string PartPath(string table, RunStamp run, int part, string? tag = null) =>
        tag is null
            ? $"{Partition(table, run)}part-{run.RunId}-{part:D5}.parquet"
            : $"{Partition(table, run)}part-{run.RunId}-{tag}-{part:D5}.parquet";

    /// <summary>Whether the file name <paramref name="name"/> is a committed part's.</summary>
    public static bool IsPartName(string name) =>
        name.StartsWith("part-", StringComparison.Ordinal) && name.EndsWith(".parquet", StringComparison.Ordinal);

    /// <summary>The committed part files of a table for the run's date, relative to the output folder.</summary>
    internal static IEnumerable<string> CommittedParts(string outputFolder, string table, RunStamp run)
    {
        var folder = PartitionFolder(outputFolder, table, run);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "part-*.parquet")
                .Select(path => Path.GetRelativePath(outputFolder, path).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>Writes <paramref name="rows"/> as one Parquet file with the run's metadata.</summary>
    internal static Task SerializeAsync<T>(
        IReadOnlyList<T> rows,
        RunStamp run,
        Stream stream,
        CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>
        {
            ["run_id"] = run.RunId,
            ["prompt_sha256"] = run.PromptSha256,
            ["provider"] = run.Provider,
            ["model"] = run.Model,
            ["stance_schema_version"] = SchemaVersion,
        };
        return ParquetSerializer.SerializeAsync(
            rows,
            stream,
            new ParquetOptions { CompressionMethod = CompressionMethod.Snappy },
            metadata,
            cancellationToken);
    }
}

using Parquet;
using Parquet.Serialization;
using Stance.Storage;

namespace Stance.Output;

/// <summary>Reads back committed part files (for a commit that keeps or carries the date's other rows).</summary>
internal static class PartFile
{
    /// <summary>Every value of the string column <paramref name="column"/>, across row groups.</summary>
    public static async Task<List<string>> ReadStringsAsync(
        string path,
        string column,
        CancellationToken cancellationToken)
    {
        try
        {
            return await ReadColumnAsync(path, column, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutputWriteException)
        {
            throw Unreadable(path, ex);
        }
    }

    /// <summary>The rows of a part file; columns the file lacks (an older schema version) are left at their
    /// defaults.</summary>
    public static async Task<IList<T>> ReadRowsAsync<T>(string path, CancellationToken cancellationToken)
        where T : class, new()
    {
        try
        {
            var stream = File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                return (await ParquetSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken)
                    .ConfigureAwait(false)).Data;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Unreadable(path, ex);
        }
    }

    // A part of the date that is not a readable table of ours (truncated by hand, copied from elsewhere): stop with its
    // path.
    private static OutputWriteException Unreadable(string path, Exception ex) =>
        new(
            path,
            new IOException(
                $"{ex.Message.TrimEnd('.')}; it is not a readable part of this table: move it out of the partition " +
                "and run again",
                ex),
            "read the earlier part");

    private static async Task<List<string>> ReadColumnAsync(
        string path,
        string column,
        CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var field = reader.Schema.DataFields.FirstOrDefault(f => f.Name == column)
                    ?? throw new InvalidDataException($"it has no column '{column}'");
                var values = new List<string>();
                for (var group = 0; group < reader.RowGroupCount; group++)
                {
                    using var rows = reader.OpenRowGroupReader(group);
                    var buffer = new string?[checked((int)rows.RowCount)];
                    await rows.ReadAsync(field, buffer.AsMemory(), null, cancellationToken).ConfigureAwait(false);
                    values.AddRange(buffer.Select(v => v ?? string.Empty));
                }

                return values;
            }
        }
    }
}

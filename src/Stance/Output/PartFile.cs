using Parquet;
using Parquet.Serialization;

namespace Stance.Output;

/// <summary>Reads back committed part files (for a commit that keeps or carries the date's other rows).</summary>
internal static class PartFile
{
    /// <summary>Every value of the string column <paramref name="column"/>, across row groups.</summary>
    public static async Task<List<string>> ReadStringsAsync(string path, string column, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var field = reader.Schema.DataFields.First(f => f.Name == column);
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

    /// <summary>The rows of a part file; columns the file lacks (an older schema version) are left at their defaults.</summary>
    public static async Task<IList<T>> ReadRowsAsync<T>(string path, CancellationToken cancellationToken)
        where T : class, new()
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return (await ParquetSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
        }
    }
}

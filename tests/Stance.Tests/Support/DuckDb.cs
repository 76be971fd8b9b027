using DuckDB.NET.Data;

namespace Stance.Tests.Support;

/// <summary>Reads the job's Parquet output with DuckDB, an independent reader.</summary>
internal static class DuckDb
{
    /// <summary>The <c>read_parquet</c> call over a table's Hive-partitioned part files.</summary>
    public static string Table(string outputFolder, string table) =>
        $"read_parquet('{Path.Combine(outputFolder, table).Replace("'", "''", StringComparison.Ordinal)}" +
        "/**/*.parquet', hive_partitioning = true)";

    /// <summary>Runs a query and returns its rows as column → value maps.</summary>
    public static List<Dictionary<string, object?>> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Column name → DuckDB type of a table.</summary>
    public static Dictionary<string, string> Types(string outputFolder, string table) =>
        Query($"DESCRIBE SELECT * FROM {Table(outputFolder, table)}")
            .ToDictionary(r => (string)r["column_name"]!, r => (string)r["column_type"]!);
}

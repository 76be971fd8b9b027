using ParquetSharp;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.Output;

/// <summary>The logical types notebooks rely on, read by ParquetSharp (Arrow C++, what pyarrow uses) and by
/// DuckDB.</summary>
public sealed class SchemaGuaranteeTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<ParquetFileReader> _readers = [];

    public void Dispose()
    {
        _readers.ForEach(r => r.Dispose());
        _folder.Dispose();
    }

    [Fact]
    public async Task EveryColumnHasItsDocumentedLogicalTypeAndEachFileCarriesTheRunMetadata()
    {
        var run = await StanceRunner.RunAsync(
            ["--input", RepoPaths.Data, "--output", _folder.Path, "--prompts", RepoPaths.Prompts]);
        Assert.Equal(0, run.ExitCode);

        var paragraphs = Columns("paragraphs");
        Assert.Equal(36, paragraphs.Count);
        var scoredAt = Assert.IsType<TimestampLogicalType>(paragraphs["scored_at"].LogicalType);
        Assert.True(scoredAt.IsAdjustedToUtc);
        Assert.Equal(TimeUnit.Micros, scoredAt.TimeUnit);
        Assert.IsType<DateLogicalType>(paragraphs["run_date"].LogicalType);
        Assert.Equal(
            (32, true),
            (Assert.IsType<IntLogicalType>(paragraphs["paragraph_index"].LogicalType).BitWidth,
                ((IntLogicalType)paragraphs["paragraph_index"].LogicalType).IsSigned));
        foreach (var score in new[] { "sentiment_score", "stance_score", "confidence", "latency_ms" })
        {
            Assert.Equal(PhysicalType.Double, paragraphs[score].PhysicalType);
        }

        var texts = new[]
        {
            "run_id", "document_id", "paragraph_id", "text", "status", "error", "stance_label", "provider", "model",
            "prompt_sha256",
        };
        foreach (var text in texts)
        {
            Assert.IsType<StringLogicalType>(paragraphs[text].LogicalType);
        }

        Assert.Equal(PhysicalType.Boolean, paragraphs["from_cache"].PhysicalType);
        var targets = Columns("targets");
        Assert.Equal(18, targets.Count);
        Assert.Equal(PhysicalType.Boolean, targets["watched"].PhysicalType);

        // Schema version 2: the documents' own metadata, in both tables (document_meta in paragraphs only).
        foreach (var table in new[] { paragraphs, targets })
        {
            var publishedAt = Assert.IsType<TimestampLogicalType>(table["published_at"].LogicalType);
            Assert.Equal((true, TimeUnit.Micros), (publishedAt.IsAdjustedToUtc, publishedAt.TimeUnit));
            Assert.IsType<StringLogicalType>(table["source"].LogicalType);
            Assert.Equal(Repetition.Optional, table["source"].SchemaNode.Repetition);
            Assert.Equal(Repetition.Optional, table["published_at"].SchemaNode.Repetition);
        }

        Assert.IsType<StringLogicalType>(paragraphs["document_meta"].LogicalType);
        Assert.False(targets.ContainsKey("document_meta"));

        // Schema version 3: how the answer was paid for (mode is never null; batch_id only for batch answers).
        Assert.IsType<StringLogicalType>(paragraphs["mode"].LogicalType);
        Assert.IsType<StringLogicalType>(paragraphs["batch_id"].LogicalType);
        Assert.Equal(Repetition.Optional, paragraphs["batch_id"].SchemaNode.Repetition);
        var cached = Assert.IsType<IntLogicalType>(paragraphs["cached_input_tokens"].LogicalType);
        Assert.Equal((32, true), (cached.BitWidth, cached.IsSigned));
        Assert.Equal(Repetition.Optional, paragraphs["cached_input_tokens"].SchemaNode.Repetition);
        Assert.Equal(PhysicalType.Double, targets["stance_score"].PhysicalType);

        // Schema version 4: the stance label's probability from token log-probabilities (null for the lexicon).
        foreach (var table in new[] { paragraphs, targets })
        {
            Assert.Equal(PhysicalType.Double, table["label_probability"].PhysicalType);
            Assert.Equal(Repetition.Optional, table["label_probability"].SchemaNode.Repetition);
        }

        foreach (var file in Directory.GetFiles(_folder.Path, "*.parquet", SearchOption.AllDirectories))
        {
            using var reader = new ParquetFileReader(file);
            var metadata = reader.FileMetaData.KeyValueMetadata;
            Assert.Equal(ParquetOutput.SchemaVersion, metadata["stance_schema_version"]);
            Assert.Equal(TestAnswers.Prompt.Sha256, metadata["prompt_sha256"]);
            Assert.Equal("stance-lexicon-v2", metadata["model"]);
            Assert.Matches(@"^\d{8}T\d{6}Z-[0-9a-f]{8}$", metadata["run_id"]);
        }

        var duck = DuckDb.Types(_folder.Path, "paragraphs");
        Assert.Equal("TIMESTAMP WITH TIME ZONE", duck["scored_at"]);
        Assert.Equal("DATE", duck["run_date"]);
        Assert.Equal("INTEGER", duck["paragraph_index"]);
        Assert.All(new[] { "sentiment_score", "stance_score", "confidence" }, c => Assert.Equal("DOUBLE", duck[c]));
        Assert.Equal("BOOLEAN", duck["from_cache"]);
        Assert.Equal(
            ("TIMESTAMP WITH TIME ZONE", "VARCHAR", "VARCHAR"),
            (duck["published_at"], duck["source"], duck["document_meta"]));
        Assert.Equal("TIMESTAMP WITH TIME ZONE", DuckDb.Types(_folder.Path, "targets")["published_at"]);
        // The run_date stored in each file agrees with its Hive partition folder.
        var agree = DuckDb.Query(
            "SELECT count(*) FILTER " +
            "(WHERE run_date = CAST(regexp_extract(filename, 'run_date=([0-9-]+)', 1) AS DATE)) AS agree, " +
            "count(*) AS n " +
            $"FROM read_parquet('{_folder.Path}/paragraphs/**/*.parquet', " +
            "hive_partitioning = false, filename = true)")[0];
        Assert.Equal((17L, 17L), ((long)agree["agree"]!, (long)agree["n"]!));
    }

    private Dictionary<string, ColumnDescriptor> Columns(string table)
    {
        var file = Directory
            .GetFiles(Path.Combine(_folder.Path, table), "*.parquet", SearchOption.AllDirectories)
            .First();
        var reader = new ParquetFileReader(file); // kept open: descriptors point into it
        _readers.Add(reader);
        var schema = reader.FileMetaData.Schema;
        return Enumerable.Range(0, schema.NumColumns).Select(schema.Column).ToDictionary(c => c.Name, c => c);
    }
}

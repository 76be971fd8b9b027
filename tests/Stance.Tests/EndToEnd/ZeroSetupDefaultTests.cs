using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>The README's first command: the built job, started from the repository root with no settings but an
/// output folder, scores data/ with the lexicon default.</summary>
public sealed class ZeroSetupDefaultTests
{
    [Fact]
    public async Task TheDefaultRunOnTheBundledDataExitsZeroAndWritesBothTables()
    {
        using var folder = new TempFolder();

        var (exitCode, log) = await StanceProcess.RunAsync(["--output", folder.Path]);

        Assert.True(exitCode == 0, log);
        Assert.Contains("No LLM is used", log);
        var paragraphs = DuckDb.Query(
            $"SELECT provider, status, count(*) AS n FROM {DuckDb.Table(folder.Path, "paragraphs")} GROUP BY ALL");
        var row = Assert.Single(paragraphs);
        Assert.Equal("lexicon", row["provider"]);
        Assert.Equal("ok", row["status"]);
        Assert.Equal(17L, row["n"]);
        Assert.NotEmpty(DuckDb.Query($"SELECT * FROM {DuckDb.Table(folder.Path, "targets")}"));
        Assert.Single(
            Directory.GetFiles(Path.Combine(folder.Path, "runs"), "*.report.html", SearchOption.AllDirectories));
    }
}

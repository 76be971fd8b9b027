using System.Diagnostics;
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
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(RepoPaths.JobAssembly);
        start.ArgumentList.Add("--output");
        start.ArgumentList.Add(folder.Path);
        start.Environment.Remove("OPENAI_API_KEY");
        start.Environment.Remove("AZURE_OPENAI_API_KEY");
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Stance__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var log = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, log);
        Assert.Contains("No LLM is used", log);
        var paragraphs = DuckDb.Query($"SELECT provider, status, count(*) AS n FROM {DuckDb.Table(folder.Path, "paragraphs")} GROUP BY ALL");
        var row = Assert.Single(paragraphs);
        Assert.Equal("lexicon", row["provider"]);
        Assert.Equal("ok", row["status"]);
        Assert.Equal(17L, row["n"]);
        Assert.NotEmpty(DuckDb.Query($"SELECT * FROM {DuckDb.Table(folder.Path, "targets")}"));
    }
}

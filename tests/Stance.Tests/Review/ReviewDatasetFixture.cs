using Stance.Tests.Support;

namespace Stance.Tests.Review;

/// <summary>A small dataset for the review tests: the job run once, in-process, on the bundled documents with the
/// default offline lexicon provider (27 target rows, confidences 0.2 to 0.6).</summary>
public sealed class ReviewDatasetFixture : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();

    /// <summary>The dataset's output folder.</summary>
    public string Output => Path.Combine(_folder.Path, "out");

    /// <summary>The targets table, for DuckDB.</summary>
    public string Targets => DuckDb.Table(Output, "targets");

    /// <summary>The paragraphs table, for DuckDB.</summary>
    public string Paragraphs => DuckDb.Table(Output, "paragraphs");

    public async Task InitializeAsync()
    {
        var run = await StanceRunner.RunAsync(
            ["--input", RepoPaths.Data, "--output", Output, "--prompts", RepoPaths.Prompts]);
        Assert.True(run.ExitCode == 0, run.LogText);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Dispose();
}

using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>Consecutive nights against the test server, counting its requests.</summary>
public sealed class IncrementalRunTests : JobTestBase
{
    private string Prompts => Path.Combine(Folder.Path, "prompts");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        CopyFolder(RepoPaths.Data, Input);
        CopyFolder(RepoPaths.StancePrompt, Path.Combine(Prompts, "stance"));
    }

    [Fact]
    public async Task AnUnchangedRerunMakesNoCallAndStillWritesCompleteTables()
    {
        Assert.Equal(ExitCodes.Ok, (await RunAsync()).ExitCode);
        var firstNight = Server.Requests.Count;
        Assert.Equal(17, firstNight);

        var second = await RunAsync();

        Assert.Equal(ExitCodes.Ok, second.ExitCode);
        Assert.Equal(firstNight, Server.Requests.Count);
        var rows = DuckDb.Query($"SELECT from_cache, attempts, status FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.Equal(17, rows.Count);
        Assert.All(
            rows,
            r => Assert.Equal((true, 0, "ok"), ((bool)r["from_cache"]!, (int)r["attempts"]!, (string)r["status"]!)));
        Assert.Equal(27L, DuckDb.Query($"SELECT count(*) AS n FROM {DuckDb.Table(Output, "targets")}")[0]["n"]);
        Assert.Contains("17 from cache", second.LogText);
    }

    [Fact]
    public async Task EditingOneParagraphRescoresItAndTheParagraphAfterIt()
    {
        await RunAsync();
        var before = Server.Requests.Count;
        var file = Path.Combine(Input, "peace-talks-statement.md");
        File.WriteAllText(
            file, File.ReadAllText(file).Replace("real progress", "genuine progress", StringComparison.Ordinal));

        var run = await RunAsync();

        // The edited paragraph, and the next one, whose context (the previous paragraph) changed; nothing else.
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(before + 2, Server.Requests.Count);
        var asked = Server.Requests.Skip(before).ToList();
        Assert.Contains(asked, r => r.Paragraph.Contains("genuine progress", StringComparison.Ordinal));
        Assert.Contains(
            asked,
            r => r.Paragraph.StartsWith("We regret the one-sided statements", StringComparison.Ordinal)
                && r.Message("user").Contains("genuine progress", StringComparison.Ordinal));
        var fresh = DuckDb.Query($"SELECT paragraph_index FROM {DuckDb.Table(Output, "paragraphs")} " +
            "WHERE NOT from_cache ORDER BY paragraph_index");
        Assert.Equal([1, 2], fresh.Select(r => (int)r["paragraph_index"]!));
    }

    [Fact]
    public async Task TheSameSentenceUnderAnotherContextIsAskedAgain()
    {
        File.WriteAllText(
            Path.Combine(Input, "a.txt"),
            "Gas deal criticised\n\nThe European Union signed the gas deal.\n\nThey must stop this campaign.");
        File.WriteAllText(
            Path.Combine(Input, "b.txt"),
            "Mines kill civilians\n\nArmenia left mines behind.\n\nThey must stop this campaign.");
        File.WriteAllText(
            Path.Combine(Input, "c.txt"),
            "Mines kill civilians\n\nArmenia left mines behind.\n\nThey must stop this campaign.");
        await RunAsync();
        var first = Server.Requests.Select(r => r.Paragraph).Where(p => p == "They must stop this campaign.").Count();

        var rerun = await RunAsync();

        // a.txt and b.txt give the sentence different contexts: two requests; c.txt is b.txt's wire twin: none.
        Assert.Equal(2, first);
        Assert.Equal(ExitCodes.Ok, rerun.ExitCode);
        Assert.Equal(first, Server.Requests.Select(r => r.Paragraph).Count(p => p == "They must stop this campaign."));
    }

    [Fact]
    public async Task EditingAnyPromptFileRescoresEverything()
    {
        await RunAsync();
        var firstHash = ReadManifest().Prompt.Sha256;
        File.AppendAllText(Path.Combine(Prompts, "stance", "skprompt.txt"), "\n");

        var run = await RunAsync();

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(34, Server.Requests.Count);
        var hashes = DuckDb.Query($"SELECT DISTINCT prompt_sha256 FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.NotEqual(firstHash, (string)Assert.Single(hashes)["prompt_sha256"]!);
    }

    [Fact]
    public async Task NoCacheForcesFreshCalls()
    {
        await RunAsync();

        var run = await RunAsync("--no-cache");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(34, Server.Requests.Count);
        Assert.All(
            DuckDb.Query($"SELECT from_cache FROM {DuckDb.Table(Output, "paragraphs")}"),
            r => Assert.False((bool)r["from_cache"]!));
    }

    [Fact]
    public async Task ADryRunMakesNoCallWritesNoTableAndEstimatesTheCost()
    {
        var first = await StanceRunner.RunWithConsoleAsync(
            Args("--dry-run", "--Stance:Pricing:InputPerMillion=0.15", "--Stance:Pricing:OutputPerMillion=0.6"));

        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.Empty(Server.Requests);
        Assert.False(Directory.Exists(Path.Combine(Output, "paragraphs")));
        Assert.Contains("caspian-gas-op-ed.txt", first.Console);
        Assert.Matches(@"total \(4 documents, 0 bad\)\s+17\s+0\s+17\s+\d{4,}\s+4250", first.Console);
        Assert.Matches(@"estimated cost: 0\.00\d+ USD", first.Console);

        await RunAsync();
        File.AppendAllText(Path.Combine(Input, "caspian-gas-op-ed.txt"), "\n\nA new closing paragraph about the EU.");
        var requests = Server.Requests.Count;
        var second = await StanceRunner.RunWithConsoleAsync(Args("--dry-run"));

        Assert.Equal(requests, Server.Requests.Count);
        Assert.Matches(@"total \(4 documents, 0 bad\)\s+18\s+17\s+1\s", second.Console);
    }

    private RunManifest ReadManifest() =>
        RunManifest.Read(Directory
            .GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)
            .OrderBy(File.GetLastWriteTimeUtc)
            .Last());

    private Task<RunResult> RunAsync(params string[] extra) => StanceRunner.RunAsync(Args(extra));

    private string[] Args(params string[] extra) =>
    [
        "--input", Input, "--output", Output, "--prompts", Prompts,
        "--provider", "openai", "--endpoint", Server.Endpoint,
        "--model", "test-model", "--Stance:Llm:ApiKey=k", .. extra,
    ];
}

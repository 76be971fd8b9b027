namespace Stance.Tests.Support;

/// <summary>A <see cref="JobTestBase"/> for <c>--batch</c>: the sample data in <c>in/</c>, batches that end after a
/// few status calls, and the arguments every batch run shares.</summary>
public abstract class BatchJobTestBase : JobTestBase
{
    /// <summary>Paragraphs in the sample data.</summary>
    private protected const int SampleParagraphs = 17;

    /// <summary>Status calls before a batch ends.</summary>
    private protected virtual int RetrievesToFinish => 2;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        CopyFolder(RepoPaths.Data, Input);
        Server.Batch.RetrievesToFinish = RetrievesToFinish;
    }

    /// <summary>A batch run against the test server writing to <paramref name="output"/>, short delays, no key
    /// (give <c>--Stance:Llm:ApiKey</c> or <c>OPENAI_API_KEY</c>).</summary>
    private protected string[] BatchArgs(string output, string pollInterval = "00:00:00.001") =>
    [
        "--input", Input, "--output", output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
        "--endpoint", Server.Endpoint, "--model", "test-model", "--batch",
        $"--Stance:Batch:PollInterval={pollInterval}",
        "--Stance:Resilience:BaseDelay=00:00:00.005", "--Stance:Resilience:MaxDelay=00:00:00.050",
    ];
}

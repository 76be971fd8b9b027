using Microsoft.Extensions.Logging.Abstractions;
using Stance.Scoring.Batch;
using Stance.Scoring.Llm;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Batch;

/// <summary>The Files and Batches client against the test server: a download cut off midway hands each line over
/// exactly once.</summary>
public sealed class BatchApiClientTests : IAsyncLifetime
{
    private OpenAiTestServer _server = null!;
    private TempFolder _folder = null!;

    public async Task InitializeAsync()
    {
        _server = await OpenAiTestServer.StartAsync();
        _folder = new TempFolder();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3_000)]
    [InlineData(7_777)]
    public async Task ADownloadCutOffMidwayHandsEveryLineOverExactlyOnceAndInOrder(int cutAfterBytes)
    {
        var lines = Enumerable.Range(0, 200)
            .Select(i => $"{{\"custom_id\":\"line-{i:D4}\",\"padding\":\"{new string('x', i % 97)}\"}}")
            .ToList();
        var path = Path.Combine(_folder.Path, "lines.jsonl");
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n");
        var client = Client();
        var fileId = await client.UploadAsync(path, "lines.jsonl", CancellationToken.None);
        _server.Batch.CutDownload = call => call.Number == 1 ? cutAfterBytes : null;

        var received = new List<string>();
        await client.DownloadLinesAsync(
            fileId,
            line =>
            {
                received.Add(line);
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);

        Assert.Equal(lines, received);
        Assert.Equal(2, _server.Batch.Count(TestBatchCallKind.Download));
    }

    private BatchApiClient Client() => new(
        new HttpClient(),
        new BatchEndpoint(new Uri(_server.Endpoint + "/"), "/v1/chat/completions", "Authorization", "test-key"),
        new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        TimeProvider.System,
        NullLogger<BatchApiClient>.Instance);
}

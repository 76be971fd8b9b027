using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stance.Hosting;
using Stance.Journal;
using Stance.Paragraphs;
using Stance.Scoring;
using Stance.Scoring.Batch;
using Stance.Scoring.Llm;

namespace Stance.Benchmarks;

/// <summary>The batch mode's two bulk paths, each in a child process (for its peak RSS): writing request files for a
/// corpus, and ingesting a batch output file downloaded over a loopback socket.</summary>
internal static class BatchLines
{
    /// <summary>Writes the request files of every paragraph under <paramref name="input"/>; prints
    /// "lines seconds peakRssBytes".</summary>
    public static async Task<int> WriteChildAsync(string input, string work, string prompts)
    {
        var output = Path.Combine(work, "out");
        using var host = StanceApp.CreateBuilder(
        [
            "--provider", "openai", "--endpoint", "http://127.0.0.1:9/v1", "--model", "bench-model",
            "--Stance:Llm:ApiKey=bench", "--prompts", prompts, "--input", input, "--output", output, "--batch",
        ]).Build();
        var services = host.Services;
        var scorer = (KernelParagraphScorer)services.GetRequiredService<IParagraphScorer>();
        var capture = services.GetRequiredService<RequestCapture>();
        var writer = services.GetRequiredService<BatchRequestWriter>();
        var journal = Path.Combine(output, ".stance", "journal.db");
        await using var store = ResultStore.Open(journal);
        using var ledger = BatchLedger.Open(journal);
        var run = new RunStamp("bench-run", DateOnly.FromDateTime(DateTime.UtcNow), "openai", "bench-model",
            "stance", scorer.Model);
        var work2 = new BatchWork(run, store, ledger, scorer, () => ParagraphSource.Stream(input, new InputReport()),
            Path.Combine(work, "requests"), ReuseEarlierRuns: true, output);
        var clock = Stopwatch.StartNew();
        var template = RequestTemplate.FromCapturedBody(
            await scorer.CaptureRequestBodyAsync(RequestCapture.ServiceKey, capture, CancellationToken.None));
        var lines = writer.WriteParts(work2, template, 1);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"{lines} {seconds:F2} {ReadMemory.PeakRssBytes()}"));
        return 0;
    }

    /// <summary>Generates an output file of <paramref name="lines"/> answered lines, serves it over a loopback
    /// socket, and downloads, parses and records it as a batch run does; prints "lines seconds peakRssBytes"
    /// (the file's generation excluded).</summary>
    public static async Task<int> IngestChildAsync(string work, int lines)
    {
        Directory.CreateDirectory(work);
        var file = Path.Combine(work, "output.jsonl");
        var completion = JsonNode.Parse("""
            {"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"bench-model",
            "choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":1500,"completion_tokens":250,"total_tokens":1750,
            "prompt_tokens_details":{"cached_tokens":1024}}}
            """)!;
        completion["choices"]![0]!["message"]!["content"] = BenchCorpus.Answer;
        var body = completion.ToJsonString();
        using (var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 16))
        {
            for (var i = 0; i < lines; i++)
            {
                var key = Convert.ToHexStringLower(
                    System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));
                writer.Write($"{{\"id\":\"batch_req_{i}\",\"custom_id\":\"{key}\",\"response\":{{\"status_code\":200,");
                writer.Write($"\"request_id\":\"req_{i}\",\"body\":{body}}},\"error\":null}}\n");
            }
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapGet("/v1/files/{id}/content", (HttpContext context) =>
            Results.File(file, "application/octet-stream", enableRangeProcessing: true));
        await app.StartAsync();
        var endpoint = new BatchEndpoint(new Uri(app.Urls.First() + "/v1/"), "/v1/chat/completions", "Authorization",
            "bench");
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new BatchApiClient(http, endpoint, new ResilienceOptions(), TimeProvider.System,
            NullLogger<BatchApiClient>.Instance);
        var journal = Path.Combine(work, "ingest-journal.db");
        await (await Task.FromResult(ResultStore.Open(journal))).DisposeAsync();
        using var ledger = BatchLedger.Open(journal);
        var results = new List<BatchLineResult>(10_000);
        var count = 0;
        if (Environment.GetEnvironmentVariable("STANCE_BENCH_PHASES") is not null)
        {
            var phase = Stopwatch.StartNew();
            var n0 = 0;
            await client.DownloadLinesAsync(
                "file-1",
                _ =>
                {
                    n0++;
                    return ValueTask.CompletedTask;
                },
                CancellationToken.None);
            Console.Error.WriteLine($"download only: {n0} lines {phase.Elapsed.TotalSeconds:F2} s");
            phase.Restart();
            await client.DownloadLinesAsync(
                "file-1",
                line =>
                {
                    _ = BatchOutputLine.Parse(line, 1, "b");
                    return ValueTask.CompletedTask;
                },
                CancellationToken.None);
            Console.Error.WriteLine($"download + parse: {phase.Elapsed.TotalSeconds:F2} s");
        }

        var clock = Stopwatch.StartNew();
        await client.DownloadLinesAsync(
            "file-1",
            line =>
            {
                results.Add(BatchOutputLine.Parse(line, 1, "batch_bench"));
                count++;
                if (results.Count == 10_000)
                {
                    ledger.AddResults("bench-run", results);
                    results.Clear();
                }

                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
        ledger.AddResults("bench-run", results);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"{count} {seconds:F2} {ReadMemory.PeakRssBytes()}"));
        return 0;
    }
}

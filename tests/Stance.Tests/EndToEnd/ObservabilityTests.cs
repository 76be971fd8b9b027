using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Stance.Hosting;
using Stance.Telemetry;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>Progress lines, metrics and their export, seen from outside.</summary>
public sealed class ObservabilityTests : JobTestBase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Corpus.Write(Input, 60, perDocument: 6);
    }

    [Fact]
    public async Task WhenOutputIsNotATerminalProgressIsPlainLogLinesWithoutControlCodes()
    {
        Server.Responder = request => Reply.Answer(request.DefaultAnswer()) with
        {
            Delay = TimeSpan.FromMilliseconds(30),
        };

        var (exitCode, output) = await StanceProcess.RunAsync(
            Args("--concurrency", "2", "--Stance:ProgressInterval=00:00:00.100"));

        Assert.True(exitCode == ExitCodes.Ok, output);
        Assert.Matches(
            @"Progress: \d+/60 paragraphs \(ok \d+, failed 0, filtered 0, cached 0\) from 10 documents, " +
            @"[\d.]+ requests/s, ETA \d\d:\d\d:\d\d",
            output);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\r', output);
        Assert.Matches(
            @"retries: none, tokens 7200 in / 2700 out, estimated cost [\d.]+ USD, [\d.]+ s \([\d.]+ paragraphs/s\)",
            output);
    }

    [Fact]
    public async Task TheRunsMetricsAreMeasuredIncludingRetriesByReasonAndPollysTelemetry()
    {
        Server.Responder = request => request.Number % 4 == 1
            ? Reply.Status(503)
            : Reply.Answer(request.DefaultAnswer());
        var measurements = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        IMeterFactory? factory = null;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Polly"
                || (instrument.Meter.Name == StanceMetrics.MeterName
                    && ReferenceEquals(instrument.Meter.Scope, factory)))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Count(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var tag = string.Join(
                ",",
                tags.ToArray()
                    .Where(t => t.Key is "status" or "reason" or "direction" or "event.name")
                    .Select(t => $"{t.Key}={t.Value}"));
            measurements.AddOrUpdate($"{instrument.Name}[{tag}]", value, (_, n) => n + value);
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Count(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Count(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>(
            (instrument, value, _, _) => measurements.AddOrUpdate(instrument.Name, 1, (_, n) => n + 1));

        var builder = StanceApp.CreateBuilder(Args("--concurrency", "1", "--Stance:Resilience:BaseDelay=00:00:00.005"));
        using var host = builder.Build();
        factory = host.Services.GetRequiredService<IMeterFactory>();
        _ = host.Services.GetRequiredService<StanceMetrics>();
        listener.Start();
        var exitCode = await StanceApp.RunAsync(host);

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Equal(60, measurements["stance.paragraphs[status=ok]"]);
        Assert.Equal(
            Server.Requests.Count,
            measurements
                .Where(m => m.Key.StartsWith("stance.llm.requests", StringComparison.Ordinal))
                .Sum(m => m.Value));
        Assert.Equal(Server.Requests.Count - 60, measurements["stance.llm.retries[reason=server_error]"]);
        Assert.Equal(60 * 120, measurements["stance.llm.tokens[direction=input]"]);
        Assert.Equal(Server.Requests.Count, measurements["stance.llm.duration"]);
        Assert.Contains(
            measurements.Keys,
            k => k.StartsWith("resilience.polly.strategy.events", StringComparison.Ordinal)
                && k.Contains("OnRetry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheConsoleExporterChosenByConfigurationExportsTheMetrics()
    {
        var (exitCode, output) = await StanceProcess.RunAsync(Args("--Stance:Telemetry:Exporter=console"));

        Assert.True(exitCode == ExitCodes.Ok, output);
        Assert.Contains("stance.paragraphs", output);
        Assert.Contains("stance.llm.duration", output);
    }

    private string[] Args(params string[] extra) =>
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts,
        "--provider", "openai", "--endpoint", Server.Endpoint,
        "--model", "test-model", "--Stance:Llm:ApiKey=k", .. extra,
    ];
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Stance.Contract;
using Stance.Hosting;
using Stance.Output;
using Stance.Telemetry;
using Stance.Tests.Alerts;
using Stance.Tests.Support;

namespace Stance.Tests.Reporting;

/// <summary>A dataset of six nights scored through the OpenAI test server, built once for the trend tests: an old
/// night outside the 30-night window (2026-01-15), then 2026-03-01 … 03-05 with a prompt edit from 03-03 on and a
/// model change from 03-04 on. Each night 24 paragraphs name Armenia and France, the first 5 also Russia. Armenia is
/// 18 favor / 6 neutral each night and 18 against / 6 neutral on 03-05 (the injected shift); France is 8 / 8 / 8
/// every night; Russia 5 favor, then 5 against on 03-05 (a shift on too few rows to test). The old night answers
/// against for everything. The last night's alerts go to a loopback webhook whose URL holds a token.</summary>
public sealed partial class TrendNights : IAsyncLifetime
{
    public const string Token = "tok-9f3a-s3cr3t-77";
    public const int Paragraphs = 24;

    public static readonly DateOnly Old = new(2026, 1, 15);
    public static readonly DateOnly[] Dates = [.. Enumerable.Range(1, 5).Select(d => new DateOnly(2026, 3, d))];

    private readonly TempFolder _folder = new();
    private readonly ConcurrentDictionary<IMeterFactory, byte> _factories = new();
    private readonly MeterListener _listener = new();
    private OpenAiTestServer _server = null!;

    public string Output => Path.Combine(_folder.Path, "out");

    internal WebhookListener Webhook { get; private set; } = null!;

    /// <summary>Per run date: exit code and log.</summary>
    internal Dictionary<DateOnly, RunResult> Runs { get; } = [];

    /// <summary>The <c>stance.alerts</c> measurements of the six runs, by kind.</summary>
    public ConcurrentDictionary<string, long> Alerts { get; } = new();

    public async Task InitializeAsync()
    {
        _server = await OpenAiTestServer.StartAsync();
        _server.Responder = request => Reply.Answer(Answer(request.Paragraph));
        Webhook = await WebhookListener.StartAsync();
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "stance.alerts" && instrument.Meter.Scope is IMeterFactory f
                && _factories.ContainsKey(f))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var kind = tags.ToArray().Single(t => t.Key == "kind").Value!.ToString()!;
            Alerts.AddOrUpdate(kind, value, (_, n) => n + value);
        });
        _listener.Start();

        var promptsA = RepoPaths.Prompts;
        var promptsB = Path.Combine(_folder.Path, "prompts-b");
        foreach (var file in Directory.GetFiles(Path.Combine(promptsA, "stance")))
        {
            Directory.CreateDirectory(Path.Combine(promptsB, "stance"));
            File.Copy(file, Path.Combine(promptsB, "stance", Path.GetFileName(file)));
        }

        File.AppendAllText(Path.Combine(promptsB, "stance", "skprompt.txt"), "\nBe brief in the rationale.\n");

        await RunNightAsync(Old, night: 0, promptsA, "model-a");
        for (var i = 0; i < Dates.Length; i++)
        {
            await RunNightAsync(Dates[i], night: i + 1, i < 2 ? promptsA : promptsB, i < 3 ? "model-a" : "model-b");
        }
    }

    /// <summary>The manifest of the run of <paramref name="date"/>.</summary>
    internal RunManifest Manifest(DateOnly date) => RunManifest.Read(ManifestPath(date));

    /// <summary>The manifest's JSON text.</summary>
    public string ManifestText(DateOnly date) => File.ReadAllText(ManifestPath(date));

    /// <summary>The report of the run of <paramref name="date"/>.</summary>
    public string ReportPath(DateOnly date) => Path.ChangeExtension(ManifestPath(date), ".report.html");

    private string ManifestPath(DateOnly date) =>
        Directory.GetFiles(Path.Combine(Output, "runs", $"run_date={date:yyyy-MM-dd}"), "*.json").Single();

    private async Task RunNightAsync(DateOnly date, int night, string prompts, string model)
    {
        var input = Path.Combine(_folder.Path, $"in-{night}");
        Directory.CreateDirectory(input);
        var text = string.Join("\n\n", Enumerable.Range(0, Paragraphs).Select(i =>
            $"Note {i} of night {night}: Armenia spoke. France replied." + (i < 5 ? " Russia waited." : "")));
        File.WriteAllText(Path.Combine(input, "notes.txt"), $"Night {night}\n\n{text}\n");
        string[] args =
        [
            "--input", input, "--output", Output, "--prompts", prompts,
            "--provider", "openai", "--endpoint", _server.Endpoint, "--model", model, "--Stance:Llm:ApiKey=k",
            "--concurrency", "4", "--Stance:Alerts:WebhookUrl=" + Webhook.Url(Token),
        ];
        var builder = StanceApp.CreateBuilder(args);
        var logs = new FakeLogCollector();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        var start = new DateTimeOffset(date.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero);
        builder.Services.AddSingleton<TimeProvider>(new ShiftedClock(start));
        using var host = builder.Build();
        _factories.TryAdd(host.Services.GetRequiredService<IMeterFactory>(), 0);
        _ = host.Services.GetRequiredService<StanceMetrics>();
        var exitCode = await StanceApp.RunAsync(host);
        Runs[date] = new RunResult(exitCode, LogLines.Of(logs));
    }

    // The scripted answer: each named target's label by night and note number (see the class summary).
    private static string Answer(string paragraph)
    {
        var match = NoteRegex().Match(paragraph);
        var (note, night) = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        var targets = new List<TargetStance>
        {
            Stance("Armenia", "Armenia spoke.", night switch
            {
                0 => "against",
                _ when note % 4 == 0 => "neutral",
                5 => "against",
                _ => "favor",
            }),
            Stance("France", "France replied.", night == 0 ? "against" : (note % 3) switch
            {
                0 => "against",
                1 => "favor",
                _ => "neutral",
            }),
        };
        if (paragraph.Contains("Russia", StringComparison.Ordinal))
        {
            targets.Add(Stance("Russia", "Russia waited.", night is 0 or 5 ? "against" : "favor"));
        }

        var main = targets[0];
        return StanceAnswerJson.Serialize(new StanceAnswer(
            "neutral", 0, main.Target, main.StanceLabel, main.StanceScore, 0.8, "Scripted.", targets));
    }

    private static TargetStance Stance(string target, string evidence, string label) =>
        new(target, target, true, label, Score(label), 0.8, evidence);

    public static double Score(string label) => label switch
    {
        "favor" => 0.6,
        "against" => -0.6,
        _ => 0.0,
    };

    [GeneratedRegex(@"Note (\d+) of night (\d+)")]
    private static partial Regex NoteRegex();

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await Webhook.DisposeAsync();
        await _server.DisposeAsync();
        _folder.Dispose();
    }
}

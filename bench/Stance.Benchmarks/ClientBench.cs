using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Stance.Benchmarks;

/// <summary>Issue #19: the job's CPU per LLM request over a real loopback socket, against a bare
/// <see cref="HttpClient"/> posting the job's own request bodies to the same server. The simulated provider runs in a
/// child process (its CPU is not counted); the job (the built <c>Stance</c> app, as a user runs it) and the bare
/// client each run in a child process of their own under <c>/usr/bin/time</c>, whose user + system CPU and peak RSS are
/// the figures. The marginal CPU per request is (CPU at 20,000 − CPU at 2,000) / 18,000, so start-up and the
/// one-off work of a run cancel out.</summary>
internal static class ClientBench
{
    /// <summary>The request bodies the simulator keeps (the bare client posts them in turn).</summary>
    private const int KeptBodies = 512;

    /// <summary>The model named in requests: an OpenAI name, so the job estimates tokens with its tokenizer and asks
    /// for log-probabilities, as it does for a user of gpt-4o-mini.</summary>
    private const string Model = "gpt-4o-mini";

    /// <summary>The runtime settings src/Stance/Stance.csproj gives the job's Release build, as environment
    /// variables for the bare client's second run: how much of the job's lead is those settings, not its
    /// code.</summary>
    private static readonly Dictionary<string, string> JobRuntime = new()
    {
        ["DOTNET_gcConcurrent"] = "0",
        ["DOTNET_GCRetainVM"] = "1",
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_TC_QuickJit"] = "0",
    };

    /// <summary>Runs the benchmark: <c>client [small] [large] [concurrency,...] [repeats]</c>.</summary>
    public static async Task<int> MainAsync(string[] args, string repo, string work)
    {
        var small = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000;
        var large = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
        var levels = args.Length > 3
            ? args[3].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : [16, 128];
        var repeats = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
        var job = Path.Combine(repo, "src", "Stance", "bin", "Release", "net10.0", "Stance.dll");
        var self = typeof(ClientBench).Assembly.Location;
        if (!File.Exists(job))
        {
            Console.WriteLine($"{job} is absent: run `dotnet build Stance.sln -c Release` first");
            return 1;
        }

        Console.WriteLine($"\n## Client CPU per request over a loopback socket ({Machine()})\n");
        var bodies = Path.Combine(work, "bodies");
        Directory.CreateDirectory(bodies);
        using var simulator = StartSimulator(self, repo, bodies, out var endpoint);
        Console.WriteLine($"simulator (child process {simulator.Id}) at {endpoint}, model {Model}\n");
        var inputs = new Dictionary<int, string>
        {
            [small] = Corpus(work, small),
            [large] = Corpus(work, large),
        };
        Console.WriteLine(
            "| in flight | client | CPU s at " + Thousands(small) + " | CPU s at " + Thousands(large) +
            " | marginal CPU ms / request | peak RSS MB at " + Thousands(small) + " / " + Thousands(large) +
            " |\n|---|---|---|---|---|---|");
        var ratios = new List<string>();
        foreach (var concurrency in levels)
        {
            var jobRuns = new Dictionary<int, Usage>();
            var bareRuns = new Dictionary<int, Usage>();
            var tunedRuns = new Dictionary<int, Usage>();
            for (var r = 0; r < repeats; r++)
            {
                foreach (var n in new[] { small, large })
                {
                    var output = Path.Combine(work, $"out-{concurrency}-{n}-{r}");
                    var usage = await Timed(
                        work,
                        [
                            job, "--input", inputs[n], "--output", output, "--prompts", Path.Combine(repo, "prompts"),
                            "--provider", "openai", "--endpoint", endpoint, "--model", Model,
                            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
                            "--Stance:Llm:ApiKey=bench", "--Logging:LogLevel:Default=Warning",
                        ],
                        repo);
                    CheckScored(output, n);
                    jobRuns[n] = Lowest(jobRuns.GetValueOrDefault(n), usage);
                    Directory.Delete(output, recursive: true);
                }

                foreach (var n in new[] { small, large })
                {
                    string[] bare =
                    [
                        self, "client-bare", endpoint, bodies, n.ToString(CultureInfo.InvariantCulture),
                        concurrency.ToString(CultureInfo.InvariantCulture),
                    ];
                    bareRuns[n] = Lowest(bareRuns.GetValueOrDefault(n), await Timed(work, bare, repo));
                    tunedRuns[n] = Lowest(tunedRuns.GetValueOrDefault(n), await Timed(work, bare, repo, JobRuntime));
                }
            }

            var jobMs = Marginal(jobRuns[small], jobRuns[large], large - small);
            var bareMs = Marginal(bareRuns[small], bareRuns[large], large - small);
            Console.WriteLine(
                Row(concurrency, "job (Stance, OpenAI connector)", jobRuns[small], jobRuns[large], jobMs));
            var tunedMs = Marginal(tunedRuns[small], tunedRuns[large], large - small);
            Console.WriteLine(
                Row(concurrency, "bare HttpClient, job's bodies", bareRuns[small], bareRuns[large], bareMs));
            Console.WriteLine(
                Row(concurrency, "bare, the job's runtime settings", tunedRuns[small], tunedRuns[large], tunedMs));
            ratios.Add($"{concurrency} in flight: job / bare = **{jobMs / bareMs:F2}**; " +
                $"job / bare with the job's runtime settings = {jobMs / tunedMs:F2}");
        }

        Console.WriteLine();
        foreach (var ratio in ratios)
        {
            Console.WriteLine(ratio);
        }

        var sample = Directory.GetFiles(bodies).Select(f => new FileInfo(f).Length).DefaultIfEmpty().Average();
        Console.WriteLine($"\n(request body: {sample:F0} bytes on average over {Directory.GetFiles(bodies).Length})");
        simulator.StandardInput.Close();
        await simulator.WaitForExitAsync();
        return 0;
    }

    /// <summary>The simulated provider's process: answers every chat completion at once with the corpus's valid
    /// answer (and its token log-probabilities when asked), keeping the first request bodies in
    /// <c>args[1]</c>; prints its URL, stops when its standard input closes.</summary>
    public static async Task<int> SimulatorAsync(string[] args)
    {
        var bodies = args[1];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var plain = Encoding.UTF8.GetBytes(Completion(logprobs: false));
        var withLogprobs = Encoding.UTF8.GetBytes(Completion(logprobs: true));
        var seen = 0;
        app.MapPost("/v1/chat/completions", async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            if (Interlocked.Increment(ref seen) is var index && index <= KeptBodies)
            {
                await File.WriteAllBytesAsync(Path.Combine(bodies, $"{index:D4}.json"), body.ToArray());
            }

            var logprobs = body.Span.IndexOf("\"logprobs\":true"u8) >= 0;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(logprobs ? withLogprobs : plain);
        });
        await app.StartAsync();
        Console.WriteLine(app.Urls.First() + "/v1");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    /// <summary>The bare client's process: posts the kept bodies in turn (<c>args[3]</c> requests,
    /// <c>args[4]</c> in flight) and parses each answer twice: the envelope, then the message's content.</summary>
    public static async Task<int> BareAsync(string[] args)
    {
        var endpoint = new Uri(args[1].TrimEnd('/') + "/chat/completions");
        var bodies = Directory.GetFiles(args[2]).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        var n = int.Parse(args[3], CultureInfo.InvariantCulture);
        var concurrency = int.Parse(args[4], CultureInfo.InvariantCulture);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "bench");
        var next = -1;
        var labels = 0;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                using var content = new ByteArrayContent(bodies[i % bodies.Length]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync(endpoint, content);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync();
                using var envelope = await JsonDocument.ParseAsync(stream);
                var text = envelope.RootElement.GetProperty("choices")[0].GetProperty("message")
                    .GetProperty("content").GetString()!;
                using var answer = JsonDocument.Parse(text);
                if (answer.RootElement.GetProperty("stance_label").GetString() is not null)
                {
                    Interlocked.Increment(ref labels);
                }
            }
        });
        await Task.WhenAll(workers);
        return labels == n ? 0 : 1;
    }

    /// <summary>The lexicon path's marginal CPU per paragraph, the job as a child process as a user runs it (no HTTP):
    /// <c>client-lexicon [small] [large] [repeats]</c>, by default between 30,000 and 300,000 paragraphs.</summary>
    public static async Task<int> LexiconAsync(string[] args, string repo, string work)
    {
        var small = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30_000;
        var large = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 300_000;
        var repeats = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        var job = Path.Combine(repo, "src", "Stance", "bin", "Release", "net10.0", "Stance.dll");
        Console.WriteLine($"\n## Lexicon CPU per paragraph, the job as a child process ({Machine()})\n");
        var runs = new Dictionary<int, Usage>();
        foreach (var n in new[] { small, large })
        {
            var input = Corpus(work, n);
            for (var r = 0; r < repeats; r++)
            {
                var output = Path.Combine(work, $"lexicon-{n}-{r}");
                var usage = await Timed(
                    work,
                    [job, "--input", input, "--output", output, "--Logging:LogLevel:Default=Warning"],
                    repo);
                CheckScored(output, n);
                runs[n] = Lowest(runs.GetValueOrDefault(n), usage);
                Directory.Delete(output, recursive: true);
            }
        }

        Console.WriteLine(
            $"| paragraphs | CPU s at {Thousands(small)} | CPU s at {Thousands(large)} | " +
            "marginal CPU ms / paragraph | " +
            $"peak RSS MB |\n|---|---|---|---|---|\n| lexicon | {runs[small].CpuSeconds:F2} | " +
            $"{runs[large].CpuSeconds:F2} | **{Marginal(runs[small], runs[large], large - small):F4}** | " +
            $"{runs[small].PeakRss / 1048576.0:F0} / {runs[large].PeakRss / 1048576.0:F0} |");
        return 0;
    }

    private static string Completion(bool logprobs)
    {
        var answer = BenchCorpus.Answer;
        var message = new JsonObject { ["role"] = "assistant", ["content"] = answer, ["refusal"] = null };
        var choice = new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = "stop" };
        if (logprobs)
        {
            // About four characters a token, as a tokenizer would split an English JSON answer.
            var tokens = new JsonArray();
            for (var at = 0; at < answer.Length; at += 4)
            {
                var token = answer.Substring(at, Math.Min(4, answer.Length - at));
                tokens.Add(new JsonObject
                {
                    ["token"] = token,
                    ["logprob"] = -0.0123,
                    ["bytes"] = new JsonArray([.. Encoding.UTF8.GetBytes(token).Select(b => (JsonNode)(int)b)]),
                    ["top_logprobs"] = new JsonArray(),
                });
            }

            choice["logprobs"] = new JsonObject { ["content"] = tokens, ["refusal"] = null };
        }

        return new JsonObject
        {
            ["id"] = "chatcmpl-sim",
            ["object"] = "chat.completion",
            ["created"] = 1_764_000_000,
            ["model"] = Model,
            ["choices"] = new JsonArray(choice),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = 1900,
                ["completion_tokens"] = 120,
                ["total_tokens"] = 2020,
                ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 1536 },
            },
        }.ToJsonString();
    }

    private static Process StartSimulator(string self, string repo, string bodies, out string endpoint)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repo,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in (string[])[self, "client-sim", bodies])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        endpoint = process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException("the simulator did not start");
        return process;
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> under <c>/usr/bin/time</c>: its user + system CPU
    /// and its peak RSS (the kernel's accounting of that process alone).</summary>
    private static async Task<Usage> Timed(
        string work,
        string[] args,
        string repo,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var report = Path.Combine(work, "time.txt");
        var start = new ProcessStartInfo("/usr/bin/time")
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["-f", "%U %S %M", "-o", report, "dotnet", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var wall = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        var output = Task.WhenAll(child.StandardOutput.ReadToEndAsync(), child.StandardError.ReadToEndAsync());
        await child.WaitForExitAsync();
        var texts = await output;
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"exit {child.ExitCode}: {string.Join(' ', args.Take(2))}\n{texts[0]}\n{texts[1]}");
        }

        var parts = File.ReadAllLines(report)[^1].Split(' ');
        return new Usage(
            double.Parse(parts[0], CultureInfo.InvariantCulture) + double.Parse(parts[1], CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture) * 1024,
            wall.Elapsed.TotalSeconds);
    }

    private static void CheckScored(string output, int n)
    {
        var manifest = Directory.GetFiles(Path.Combine(output, "runs"), "*.json", SearchOption.AllDirectories)[0];
        var counts = JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.GetProperty("counts");
        var ok = counts.GetProperty("ok").GetInt32();
        if (ok != n)
        {
            throw new InvalidOperationException($"the job scored {ok} of {n} paragraphs ok: {counts}");
        }
    }

    private static Usage Lowest(Usage? best, Usage usage) =>
        best is null || usage.CpuSeconds < best.CpuSeconds ? usage : best;

    private static double Marginal(Usage small, Usage large, int requests) =>
        (large.CpuSeconds - small.CpuSeconds) * 1000 / requests;

    private static string Row(int concurrency, string name, Usage small, Usage large, double marginal) =>
        $"| {concurrency} | {name} | {small.CpuSeconds:F2} | {large.CpuSeconds:F2} | **{marginal:F3}** | " +
        $"{small.PeakRss / 1048576.0:F0} / {large.PeakRss / 1048576.0:F0} |";

    private static string Thousands(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Corpus(string work, int n)
    {
        var folder = Path.Combine(work, $"client-{n}");
        const int perDocument = 100;
        BenchCorpus.Write(
            folder,
            Enumerable.Range(0, (n + perDocument - 1) / perDocument).Select(d => Math.Min(perDocument, n - (d * 100))));
        return folder;
    }

    /// <summary>nproc, the CPU model and the date.</summary>
    public static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores (nproc), {model ?? "unknown CPU"}, " +
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, .NET {Environment.Version}";
    }

    /// <summary>One child process's CPU (user + system), peak RSS and wall time.</summary>
    private sealed record Usage(double CpuSeconds, long PeakRss, double WallSeconds);
}

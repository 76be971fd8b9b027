using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Parquet.Serialization;
using Stance.Benchmarks;
using Stance.Contract;
using Stance.Hosting;
using Stance.Journal;
using Stance.Output;
using Stance.Prompts;
using Stance.Scoring;

// Stance throughput benchmark: a timed harness (not BenchmarkDotNet: each scenario is a whole job run).
// Usage: dotnet run -c Release --project bench/Stance.Benchmarks --
//     [latency|rate|local|memory|local-llm [model.gguf]|parquet|read-memory|all]
//     or object-store [paragraphs] or shards [paragraphs] [rate-paragraphs] (each run alone),
//     or journal-copy [answers]
//     or client [small] [large] [in-flight,...] [repeats] (issue #19: CPU per request over a loopback socket)
//     or client-lexicon [small] [large] [repeats] (issue #19: the lexicon path's CPU per paragraph, as a child)
var which = args.Length > 0 ? args[0] : "all";
if (which is "read-child")
{
    // The reading path alone (walk, JSONL stream, split, hash), as ParagraphSource.Count runs it for progress.
    var (documentCount, paragraphCount) = Stance.Paragraphs.ParagraphSource.Count(args[1]);
    Console.WriteLine($"{documentCount} {paragraphCount} {ReadMemory.PeakRssBytes()}");
    return 0;
}

if (which is "client-sim")
{
    return await ClientBench.SimulatorAsync(args);
}

if (which is "client-bare")
{
    return await ClientBench.BareAsync(args);
}

if (which is "batch-write-child")
{
    return await BatchLines.WriteChildAsync(args[1], args[2], args[3]);
}

if (which is "batch-ingest-child")
{
    return await BatchLines.IngestChildAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
}

if (which is "journal-copy")
{
    return await JournalCopyBench.MainAsync(args);
}

if (which is "object-store" or "object-store-one")
{
    // Issue #15: local disk vs S3 (s3rver) vs Azure Blob (Azurite), each destination in a child process.
    return await ObjectStoreBench.MainAsync(args);
}

if (which is "shards")
{
    // Issue #16: 1, 2 and 4 shard processes against one simulated provider; a rate limit the shards share.
    return await ShardBench.MainAsync(args);
}

var repo = FindRepo();
var prompts = Path.Combine(repo, "prompts");
var work = Path.Combine(
    Path.GetTempPath(), "stance-bench", DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
Directory.CreateDirectory(work);
Console.WriteLine(
    $"# Stance benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
    $"{Environment.OSVersion}, .NET {Environment.Version}");

if (which is "client" or "client-lexicon")
{
    var exit = which is "client"
        ? await ClientBench.MainAsync(args, repo, work)
        : await ClientBench.LexiconAsync(args, repo, work);
    Directory.Delete(work, recursive: true);
    return exit;
}

if (which is "latency" or "all")
{
    Console.WriteLine("\n## Latency-bound: achieved requests/s over C/L (L = 200 ms ± 10 %)\n\n" +
        "| C | paragraphs | requests/s | C/L | ratio |\n|---|---|---|---|---|");
    foreach (var c in new[] { 8, 32, 128 })
    {
        var n = c * (c >= 128 ? 60 : 100);
        var input = Corpus(work, $"latency-{c}", n);
        await using var provider = await SimulatedProvider.StartAsync(
            new ProviderSettings(TimeSpan.FromMilliseconds(200), 0.1, null, null, false, ConstantAnswer));
        await RunJob(
            input,
            Path.Combine(work, $"latency-{c}-out"),
            provider.Endpoint,
            "--concurrency",
            c.ToString(CultureInfo.InvariantCulture));
        var rps = provider.Ok / provider.ActiveSeconds;
        Console.WriteLine($"| {c} | {n} | {rps:F1} | {c / 0.2:F1} | **{rps / (c / 0.2):F3}** |");
    }
}

if (which is "rate" or "all")
{
    Console.WriteLine("\n## Rate-bound: RPM limit 1200 (20/s, the server bucket holds 2 s), C = 64, L = 100 ms\n\n" +
        "| pacing | paragraphs | requests/s | limit/s | ratio | 429 share |\n|---|---|---|---|---|---|");
    var pacings = new[]
    {
        ("--rpm 1200 configured", new[] { "--rpm", "1200" }),
        ("server headers only", Array.Empty<string>()),
    };
    foreach (var (name, extra) in pacings)
    {
        const int n = 600;
        var input = Corpus(work, "rate", n);
        await using var provider = await SimulatedProvider.StartAsync(
            new ProviderSettings(TimeSpan.FromMilliseconds(100), 0.1, 1200, null, true, ConstantAnswer)
            {
                BurstSeconds = 2,
            });
        await RunJob(
            input,
            Path.Combine(work, $"rate-{extra.Length}-out"),
            provider.Endpoint,
            ["--concurrency", "64", .. extra]);
        var rps = provider.Ok / provider.ActiveSeconds;
        var limitedShare = (double)provider.Limited / (provider.Ok + provider.Limited);
        Console.WriteLine($"| {name} | {n} | {rps:F2} | 20 | **{rps / 20:F3}** | **{limitedShare:P2}** |");
    }
}

if (which is "local" or "all")
{
    // Each figure is the lowest of three runs (this VM's neighbours add noise, never subtract it); every run starts
    // from an empty output folder, so the fake LLM's answers are all new (journaled, not cached).
    Console.WriteLine("\n## Local cost: CPU per paragraph outside the LLM (lowest of 3 runs)\n\n" +
        "| provider | paragraphs | CPU ms / paragraph | wall s |\n|---|---|---|---|");
    const int n = 50_000;
    var input = Corpus(work, "local", n);
    var runs = 0;
    var lexicon = await Lowest(() => RunJob(
        input, Path.Combine(work, $"local-lexicon-out-{runs++}"), null, "--provider", "lexicon", "--concurrency", "2"));
    Console.WriteLine($"| lexicon | {n} | **{lexicon.CpuMs / n:F4}** | {lexicon.WallSeconds:F1} |");
    var fake = await Lowest(() => RunJobWith(
        input,
        Path.Combine(work, $"local-fake-out-{runs++}"),
        "http://127.0.0.1:9/v1",
        services => services.AddKeyedSingleton<IChatCompletionService>(
            ScoringServiceCollectionExtensions.ChatServiceKey, new ZeroLatencyChat()),
        "--concurrency",
        "8"));
    Console.WriteLine(
        $"| zero-latency fake LLM (SK + Polly + validation + journal) | {n} | **{fake.CpuMs / n:F4}** | " +
        $"{fake.WallSeconds:F1} |");
}

if (which is "memory" or "all")
{
    Console.WriteLine("\n## Peak memory (lexicon, child process, default RowsPerPart 10,000)\n\n" +
        "| paragraphs | peak RSS MB | CPU ms / paragraph | wall s |\n|---|---|---|---|");
    var job = Path.Combine(repo, "src", "Stance", "bin", "Release", "net10.0", "Stance.dll");
    foreach (var n in new[] { 10_000, 100_000, 1_000_000 })
    {
        var input = Corpus(work, $"memory-{n}", n);
        var (peak, cpu, wall, exit) = await RunChild(
            job,
            repo,
            [
                "--input", input, "--output", Path.Combine(work, $"memory-{n}-out"),
                "--Logging:LogLevel:Default=Warning",
            ]);
        Console.WriteLine(
            $"| {n:N0} | **{peak / 1024.0 / 1024:F0}** | {cpu / n:F4} | " +
            $"{wall:F1}{(exit == 0 ? string.Empty : $" (exit {exit})")} |");
    }
}

if (which is "local-llm" or "all")
{
    // The local provider end to end on the bundled data, as a child process
    // (peak RSS = weights + one context + the job).
    var model = args.Length > 1
        ? args[1]
        : Path.GetFullPath(Path.Combine(repo, "..", "shared", "models", "stories260K.gguf"));
    if (!File.Exists(model))
    {
        Console.WriteLine($"\n## Local model: skipped, {model} is absent");
    }
    else
    {
        Console.WriteLine(
            $"\n## Local model ({Path.GetFileName(model)}, {new FileInfo(model).Length / 1048576.0:F1} MB) " +
            "on data/, child process, --provider local\n\n" +
            "| threads | paragraphs | ok | prompt tokens / paragraph | output tokens / paragraph | output tokens/s " +
            "| s / paragraph | peak RSS MB |\n|---|---|---|---|---|---|---|---|");
        var job = Path.Combine(repo, "src", "Stance", "bin", "Release", "net10.0", "Stance.dll");
        foreach (var threads in new[] { 1, 2 })
        {
            var output = Path.Combine(work, $"local-llm-{threads}-out");
            var (peak, _, wall, exit) = await RunChild(
                job,
                repo,
                [
                    "--provider", "local", "--model-path", model, "--output", output,
                    $"--Stance:Llm:Local:Threads={threads}", "--Logging:LogLevel:Default=Warning",
                ]);
            var manifestFile = Directory.GetFiles(
                Path.Combine(output, "runs"), "*.json", SearchOption.AllDirectories)[0];
            var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifestFile)).RootElement;
            var counts = manifest.GetProperty("counts");
            var (paragraphs, ok) = (counts.GetProperty("paragraphs").GetInt32(), counts.GetProperty("ok").GetInt32());
            var (input, outputTokens) =
                (counts.GetProperty("input_tokens").GetInt64(), counts.GetProperty("output_tokens").GetInt64());
            var seconds = manifest.GetProperty("duration_seconds").GetDouble();
            Console.WriteLine(
                $"| {threads} | {paragraphs} | {ok} | {input / paragraphs} | {outputTokens / paragraphs} | " +
                $"**{outputTokens / seconds:F0}** | {seconds / paragraphs:F1} | " +
                $"{peak / 1048576.0:F0}{(exit == 0 ? string.Empty : $" (exit {exit})")} |");
        }
    }
}

if (which is "parquet" or "all")
{
    Console.WriteLine("\n## Parquet: the job's writer over a plain Parquet.Net write of the same rows\n\n" +
        "| rows | job rows/s | plain rows/s | ratio |\n|---|---|---|---|");
    const int n = 200_000;
    var run = new RunStamp(
        "bench", DateOnly.FromDateTime(DateTime.UtcNow), "openai", "m", "stance", new string('a', 64));
    var rows = Enumerable.Range(0, n).Select(i => Row(run, i)).ToList();
    var plainFile = Path.Combine(work, "plain.parquet");
    var plain = Stopwatch.StartNew();
    await ParquetSerializer.SerializeAsync(
        rows, plainFile, new Parquet.ParquetOptions { CompressionMethod = Parquet.CompressionMethod.Snappy });
    plain.Stop();
    var job = Stopwatch.StartNew();
    var tables = new ParquetOutput(NullLogger<ParquetOutput>.Instance).Begin(Path.Combine(work, "parquet-out"), run);
    foreach (var row in rows)
    {
        await tables.AddParagraphAsync(row, CancellationToken.None);
    }

    await tables.CommitAsync(CancellationToken.None);
    job.Stop();
    Console.WriteLine(
        $"| {n:N0} | {n / job.Elapsed.TotalSeconds:F0} | {n / plain.Elapsed.TotalSeconds:F0} | " +
        $"**{plain.Elapsed.TotalSeconds / job.Elapsed.TotalSeconds:F3}** |");
}

if (which is "read-memory")
{
    // Peak RSS of the reading path over a 20 MB and a 2 GB JSONL feed, each in a fresh child process (goal: 2 GB
    // within 1.5x of 20 MB). The feeds are generated once under /tmp/stance-bench-read and reused.
    Console.WriteLine("\n## Reading a JSONL feed: peak RSS of the reading path, child process\n\n" +
        "| feed | documents | paragraphs | peak RSS MB (VmHWM) | peak RSS MB (polled) | wall s |\n" +
        "|---|---|---|---|---|---|");
    var self = typeof(ReadMemory).Assembly.Location;
    var peaks = new List<long>();
    foreach (var (name, bytes) in new[] { ("20 MB", 20L * 1000 * 1000), ("2 GB", 2L * 1000 * 1000 * 1000) })
    {
        var feedFolder = Path.Combine(
            Path.GetTempPath(), "stance-bench-read", name.Replace(" ", string.Empty, StringComparison.Ordinal));
        var folder = ReadMemory.Feed(feedFolder, bytes);
        var (_, stdout, polled, wall, exit) = await ReadMemory.RunChild(self, repo, ["read-child", folder]);
        var parts = stdout.Trim().Split(' ');
        var hwm = long.Parse(parts[2], CultureInfo.InvariantCulture);
        peaks.Add(hwm);
        var size = new FileInfo(Path.Combine(folder, "feed.jsonl")).Length;
        var documents = long.Parse(parts[0], CultureInfo.InvariantCulture);
        var paragraphs = long.Parse(parts[1], CultureInfo.InvariantCulture);
        var failed = exit == 0 ? string.Empty : $" (exit {exit})";
        Console.WriteLine($"| {name} ({size:N0} bytes) | {documents:N0} | {paragraphs:N0} | " +
            $"**{hwm / 1048576.0:F0}** | {polled / 1048576.0:F0} | {wall:F1}{failed} |");
    }

    Console.WriteLine($"\n2 GB / 20 MB peak RSS: **{(double)peaks[1] / peaks[0]:F2}** (goal ≤ 1.5)");
}

if (which is "batch")
{
    // --batch's bulk paths at 1,000,000 paragraphs, each in a child process: writing request files (read, split,
    // key, journal check, fill the captured body, split by count and bytes, fsync, ledger) and ingesting an output
    // file downloaded over a loopback socket (parse, ledger). Goal: >= 20,000 lines/s and <= 400 MB peak RSS each.
    var n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
    Console.WriteLine("\n## Batch mode: request files and output ingestion, child processes\n\n" +
        "| path | lines | seconds | lines/s | peak RSS MB |\n|---|---|---|---|---|");
    var self = typeof(ReadMemory).Assembly.Location;
    var input = Corpus(work, $"batch-{n}", n);
    foreach (var (name, childArgs) in new[]
        {
            ("request files", new[] { "batch-write-child", input, Path.Combine(work, "batch-write"), prompts }),
            ("output ingestion", ["batch-ingest-child", Path.Combine(work, "batch-ingest"),
                n.ToString(CultureInfo.InvariantCulture)]),
        })
    {
        var (_, stdout, _, _, exit) = await ReadMemory.RunChild(self, repo, childArgs);
        var parts = stdout.Trim().Split('\n')[^1].Split(' ');
        if (exit != 0 || parts.Length != 3)
        {
            Console.WriteLine($"| {name} | failed (exit {exit}): {stdout.Trim()} |");
            continue;
        }

        var lines = long.Parse(parts[0], CultureInfo.InvariantCulture);
        var seconds = double.Parse(parts[1], CultureInfo.InvariantCulture);
        var rss = long.Parse(parts[2], CultureInfo.InvariantCulture);
        Console.WriteLine(
            $"| {name} | {lines:N0} | {seconds:F1} | **{lines / seconds:N0}** | **{rss / 1048576.0:F0}** |");
    }
}

if (which is "profile")
{
    // Where the lexicon path's CPU goes, stage by stage, per paragraph.
    const int n = 20_000;
    var input = Corpus(work, "profile", n);
    var prompt = Stance.Prompts.PromptLoader.Load(Path.Combine(prompts, "stance"));
    var sw = Stopwatch.StartNew();
    var paragraphs = Stance.Paragraphs.ParagraphSource.Read(input).Paragraphs;
    Console.WriteLine($"read+split: {sw.Elapsed.TotalMilliseconds / n:F4} ms");
    var analyzer = new Stance.Scoring.Lexicon.LexiconAnalyzer(prompt.Targets);
    sw.Restart();
    var answers = paragraphs.Select(p => analyzer.Analyze(p.Text)).ToList();
    Console.WriteLine($"analyze: {sw.Elapsed.TotalMilliseconds / n:F4} ms");
    sw.Restart();
    var json = answers.Select(StanceAnswerJson.Serialize).ToList();
    Console.WriteLine($"serialize: {sw.Elapsed.TotalMilliseconds / n:F4} ms");
    var validator = new AnswerValidator(prompt);
    for (var pass = 0; pass < 2; pass++)
    {
        sw.Restart();
        for (var i = 0; i < n; i++)
        {
            validator.Validate(json[i], paragraphs[i]);
        }
    }

    Console.WriteLine($"validate: {sw.Elapsed.TotalMilliseconds / n:F4} ms");
    sw.Restart();
    for (var i = 0; i < n; i++)
    {
        _ = prompt.Targets.FindMentions(paragraphs[i].Text).ToList();
    }

    Console.WriteLine($"  of which find mentions: {sw.Elapsed.TotalMilliseconds / n:F4} ms");
    sw.Restart();
    for (var i = 0; i < n; i++)
    {
        validator.Check(answers[i], paragraphs[i]);
    }

    Console.WriteLine($"check (object): {sw.Elapsed.TotalMilliseconds / n:F4} ms");
    var run = new RunStamp("profile", DateOnly.FromDateTime(DateTime.UtcNow), "lexicon", "m", "stance", prompt.Sha256);
    sw.Restart();
    var rows = paragraphs
        .Select((p, i) => RowMapper.ToParagraphRow(
            run, p, ScoreOutcome.Ok(answers[i], 1, null, null, 0.1), DateTimeOffset.UtcNow))
        .ToList();
    var targetRows = paragraphs
        .SelectMany((p, i) => RowMapper.ToTargetRows(run, p, ScoreOutcome.Ok(answers[i], 1, null, null, 0.1)))
        .ToList();
    Console.WriteLine(
        $"rows: {sw.Elapsed.TotalMilliseconds / n:F4} ms " +
        $"({targetRows.Count / (double)n:F1} target rows per paragraph)");
    sw.Restart();
    await new ParquetOutput(NullLogger<ParquetOutput>.Instance).WriteAsync(
        Path.Combine(work, "profile-out"), run, rows, targetRows, CancellationToken.None);
    Console.WriteLine($"parquet: {sw.Elapsed.TotalMilliseconds / n:F4} ms");

    // The LLM path's fixed costs: Semantic Kernel alone, then the whole scorer (SK + Polly + validation), no journal.
    var kb = Kernel.CreateBuilder();
    kb.Services.AddSingleton<IChatCompletionService>(new ZeroLatencyChat());
    var kernel = kb.Build();
    var function = KernelFunctionFactory.CreateFromPrompt(prompt.Config, new KernelPromptTemplateFactory());
    var settings = Stance.Scoring.Llm.KernelScorerFactory.ExecutionSettings(prompt, new LlmOptions());
    for (var pass = 0; pass < 2; pass++)
    {
        sw.Restart();
        for (var i = 0; i < n; i++)
        {
            await kernel.InvokeAsync(
                function,
                new KernelArguments(settings)
                {
                    ["paragraph"] = paragraphs[i].Text,
                    ["title"] = "t",
                    ["previous"] = "",
                    ["targets"] = "x",
                    ["feedback"] = "",
                });
        }
    }

    Console.WriteLine($"semantic kernel invoke: {sw.Elapsed.TotalMilliseconds / n:F4} ms");
    var builder = StanceApp.CreateBuilder([
        "--provider", "openai", "--endpoint", "http://127.0.0.1:9/v1", "--Stance:Llm:ApiKey=x", "--prompts", prompts,
        "--input", input, "--Logging:LogLevel:Default=Warning"]);
    builder.Services.AddKeyedSingleton<IChatCompletionService>(
        ScoringServiceCollectionExtensions.ChatServiceKey, new ZeroLatencyChat());
    using var host = builder.Build();
    var scorer = host.Services.GetRequiredService<IParagraphScorer>();
    for (var pass = 0; pass < 2; pass++)
    {
        sw.Restart();
        for (var i = 0; i < n; i++)
        {
            await scorer.ScoreAsync(paragraphs[i], CancellationToken.None);
        }
    }

    Console.WriteLine($"scorer (SK + Polly + validation): {sw.Elapsed.TotalMilliseconds / n:F4} ms");
}

Directory.Delete(work, recursive: true);
return 0;

static string ConstantAnswer(string paragraph) => BenchCorpus.Answer;

static async Task RunJob(string input, string output, string? endpoint, params string[] extra) =>
    await RunJobWith(input, output, endpoint, null, extra);

static async Task RunJobWith(
    string input, string output, string? endpoint, Action<IServiceCollection>? configure, params string[] extra)
{
    string[] args =
    [
        "--input", input, "--output", output, "--prompts", Path.Combine(FindRepo(), "prompts"),
        "--provider", "openai", "--model", "bench",
        "--Stance:Llm:ApiKey=bench", "--Logging:LogLevel:Default=Warning", "--Stance:Resilience:BaseDelay=00:00:00.050",
        .. endpoint is null ? Array.Empty<string>() : ["--endpoint", endpoint], .. extra,
    ];
    var builder = StanceApp.CreateBuilder(args);
    configure?.Invoke(builder.Services);
    using var host = builder.Build();
    var exit = await StanceApp.RunAsync(host);
    if (exit != 0)
    {
        throw new InvalidOperationException($"the job exited {exit}");
    }
}

static async Task<(double CpuMs, double WallSeconds)> Lowest(Func<Task> run)
{
    var best = (CpuMs: double.MaxValue, WallSeconds: 0.0);
    for (var i = 0; i < 3; i++)
    {
        var measured = await Measure(run);
        best = measured.CpuMs < best.CpuMs ? measured : best;
    }

    return best;
}

static async Task<(double CpuMs, double WallSeconds)> Measure(Func<Task> run)
{
    var process = Process.GetCurrentProcess();
    var (cpu, system, gcs) = (process.TotalProcessorTime, process.PrivilegedProcessorTime, GC.CollectionCount(0));
    var wall = Stopwatch.StartNew();
    await run();
    process.Refresh();
    Console.Error.WriteLine(
        $"  (system time {(process.PrivilegedProcessorTime - system).TotalMilliseconds:F0} ms of " +
        $"{(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms CPU, {GC.CollectionCount(0) - gcs} gen-0 GCs)");
    return ((process.TotalProcessorTime - cpu).TotalMilliseconds, wall.Elapsed.TotalSeconds);
}

static async Task<(long PeakBytes, double CpuMs, double Wall, int Exit)> RunChild(
    string dll, string workingDirectory, string[] args)
{
    var start = new ProcessStartInfo("dotnet")
    {
        WorkingDirectory = workingDirectory,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    start.ArgumentList.Add(dll);
    foreach (var arg in args)
    {
        start.ArgumentList.Add(arg);
    }

    var wall = Stopwatch.StartNew();
    using var child = Process.Start(start)!;
    var drain = Task.WhenAll(child.StandardOutput.ReadToEndAsync(), child.StandardError.ReadToEndAsync());
    long peak = 0;
    var cpu = TimeSpan.Zero;
    while (!child.HasExited)
    {
        try
        {
            child.Refresh();
            peak = Math.Max(peak, child.WorkingSet64);
            cpu = child.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
        }

        await Task.Delay(20);
    }

    await drain;
    return (peak, cpu.TotalMilliseconds, wall.Elapsed.TotalSeconds, child.ExitCode);
}

static string Corpus(string work, string name, int paragraphs)
{
    var folder = Path.Combine(work, name);
    if (!Directory.Exists(folder))
    {
        const int perDocument = 100;
        BenchCorpus.Write(
            folder,
            Enumerable.Range(0, (paragraphs + perDocument - 1) / perDocument)
                .Select(d => Math.Min(perDocument, paragraphs - (d * perDocument))));
    }

    return folder;
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Stance.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Stance.sln not found");
}

static ParagraphRow Row(RunStamp run, int i) => ObjectStoreBench.Paragraph(run, i, DateTime.UtcNow);

/// <summary>Answers for the benchmark corpus, whose paragraphs all share one sentence.</summary>
internal static class BenchCorpus
{
    public const string Sentence = "The U.S. criticised Armenia again, and the talks stalled.";

    /// <summary>Writes one <c>doc-NNNNNN.txt</c> per entry of <paramref name="documentSizes"/> into a new
    /// <paramref name="folder"/>: a title, then that many paragraphs, numbered across the corpus (so every paragraph
    /// is distinct), each naming the U.S. and Armenia as <see cref="Answer"/> expects.</summary>
    public static void Write(string folder, IEnumerable<int> documentSizes)
    {
        Directory.CreateDirectory(folder);
        var next = 0;
        var d = 0;
        foreach (var size in documentSizes)
        {
            using var file = new StreamWriter(Path.Combine(folder, $"doc-{d:D6}.txt"));
            file.Write($"Commentary {d++}\n\n");
            for (var p = 0; p < size; p++)
            {
                file.Write(
                    $"Point {next++}: {Sentence} Observers in several capitals followed the exchange closely.\n\n");
            }
        }
    }

    // The same text as one raw literal (its long lines split where a literal ends and the next begins).
    public static readonly string Answer = """
        {"sentiment_label":"negative","sentiment_score":-0.5,"main_target":"United States",
        """ + """
        "stance_label":"against","stance_score":-0.4,
         "confidence":0.7,"rationale":"Reports criticism.","targets":[
         {"target":"United States","mention":"U.S.","stance_label":"against","stance_score":-0.4,"confidence":0.7,
        """ + """
        "evidence":"The U.S. criticised Armenia again"},
         {"target":"Armenia","mention":"Armenia","stance_label":"neutral","stance_score":0,"confidence":0.6,
        """ + """
        "evidence":"criticised Armenia again"}]}
        """;
}

/// <summary>A chat service that answers at once with the corpus's valid answer: what is left is the job's own
/// cost.</summary>
internal sealed class ZeroLatencyChat : IChatCompletionService
{
    public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?>();

    public Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory,
        PromptExecutionSettings? executionSettings = null,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ChatMessageContent>>(
            [new ChatMessageContent(AuthorRole.Assistant, BenchCorpus.Answer)]);

    public IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory,
        PromptExecutionSettings? executionSettings = null,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}

using System.Diagnostics;
using System.Globalization;
using Parquet;
using Stance.Output;

namespace Stance.Benchmarks;

/// <summary>The <c>shards</c> scenario (issue #16): the built job as N child processes (<c>--shards N</c>, each with
/// <c>JOB_COMPLETION_INDEX</c>, a journal and a state folder of its own, as the pods of an Indexed Job) against one
/// <see cref="SimulatedProvider"/> on a loopback socket in this process. First throughput with 1, 2 and 4 shards
/// (latency-bound, no limit); then a provider limit the 4 shards share, paced per shard at the whole limit, at a
/// quarter of it, by the provider's headers alone, and at a quarter over documents too long to split evenly. Each
/// run writes into a fresh output folder; the committed dataset is read back (one manifest, every paragraph
/// once).</summary>
internal static class ShardBench
{
    private const int Concurrency = 8;
    private const int Limit = 600;
    private const int Seed = 16;
    private const double ClockTicksPerSecond = 100; // USER_HZ of /proc/self/stat on Linux
    private static readonly TimeSpan s_latency = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_childTimeout = TimeSpan.FromMinutes(10);

    /// <summary><c>shards [paragraphs] [rate-paragraphs]</c>: the corpus sizes of the throughput runs (default 2,000)
    /// and of the shared-limit runs (default 300; 0 skips them). <c>STANCE_BENCH_KEEP=1</c> keeps the shards' logs
    /// and outputs.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var paragraphs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000;
        var rateParagraphs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 300;
        var repo = ObjectStoreBench.FindRepo();
        var job = Path.Combine(repo, "src", "Stance", "bin", "Release", "net10.0", "Stance.dll");
        if (!File.Exists(job))
        {
            Console.Error.WriteLine($"{job} is absent: build the solution in Release first");
            return 2;
        }

        var work = Path.Combine(Path.GetTempPath(), "stance-bench-shards",
            DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        var problems = new List<string>();
        Console.WriteLine(
            $"# Stance sharded runs, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $"{Environment.OSVersion}, .NET {Environment.Version}; the job as child processes " +
            $"(dotnet {Path.GetRelativePath(repo, job)}), the simulated provider in this process");

        var input = Corpus(Path.Combine(work, "corpus"), paragraphs, varied: true);
        Console.WriteLine(
            $"\n## Throughput: 1, 2 and 4 shards, C = {Concurrency} each, L = {s_latency.TotalMilliseconds:F0} ms " +
            $"± 10 %, no limit; {paragraphs:N0} paragraphs in {Directory.GetFiles(input).Length} documents of " +
            $"{Sizes(paragraphs, true).Min()}–{Sizes(paragraphs, true).Max()} paragraphs\n\n" +
            "| shards | wall s (first start → last exit) | requests | requests/s | ideal N·C/L | ratio " +
            "| requests/s while answering | ratio | paragraphs per shard | max/mean − 1 | exit codes " +
            "| rows read back (distinct ids) | CPU s: shards + provider (+ other processes) | machine CPU busy |\n" +
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var details = new List<string>();
        foreach (var shards in new[] { 1, 2, 4 })
        {
            await using var provider = await SimulatedProvider.StartAsync(
                new ProviderSettings(s_latency, 0.1, null, null, false, _ => BenchCorpus.Answer) { Seed = Seed });
            var run = await RunAsync(job, repo, Path.Combine(work, $"throughput-{shards}"), shards, input,
                provider.Endpoint, []);
            var check = await VerifyAsync(run, paragraphs, problems);
            var ideal = shards * Concurrency / s_latency.TotalSeconds;
            var rps = provider.Requests / run.Wall;
            var active = provider.Ok / provider.ActiveSeconds;
            var loads = check.Loads;
            Console.WriteLine(
                $"| {shards} | **{run.Wall:F1}** | {provider.Requests:N0} | {rps:F1} | {ideal:F0} | " +
                $"**{rps / ideal:F3}** | {active:F1} | {active / ideal:F3} | {string.Join(" / ", loads)} | " +
                $"{Imbalance(loads):P1} | {string.Join(" ", run.Shards.Select(s => s.Exit))} | " +
                $"{check.Rows:N0} ({check.DistinctIds:N0}) | {run.ShardsCpu:F1} + {run.ProviderCpu:F1} " +
                $"(+ {run.Others:F1}) | {run.Machine} |");
            foreach (var shard in run.Shards)
            {
                var recorded = check.Shard(shard.Index);
                details.Add(
                    $"| {shards} | {shard.Index} | {Text(recorded?.Documents)} | {Text(recorded?.Paragraphs)} | " +
                    $"{Text(recorded?.Requests)} | {shard.Started:F2} → {shard.Exited:F1} | {shard.Cpu:F1} | " +
                    $"{shard.Exit} | {(shard.Committed ? "yes" : string.Empty)} |");
            }
        }

        Console.WriteLine(
            "\nEach shard as the parent saw it (seconds since the first start; CPU polled every 50 ms until exit):" +
            "\n\n" +
            "| shards | shard | documents | paragraphs | requests | start → exit s | CPU s | exit | committed |\n" +
            "|---|---|---|---|---|---|---|---|---|");
        details.ForEach(Console.WriteLine);

        if (rateParagraphs == 0)
        {
            return Finish(work, problems);
        }

        var rateInput = Corpus(Path.Combine(work, "corpus-rate"), rateParagraphs, varied: false);
        Console.WriteLine(
            $"\n## A limit the shards share: the provider allows {Limit} requests/min in all (a token bucket holding " +
            $"2 s, 429 with retry-after-ms, retry-after and x-ratelimit-* beyond it), 4 shards, C = {Concurrency} " +
            $"each, L = {s_latency.TotalMilliseconds:F0} ms ± 10 %, {rateParagraphs:N0} paragraphs in " +
            $"{Directory.GetFiles(rateInput).Length} documents of {Sizes(rateParagraphs, false).Min()}–" +
            $"{Sizes(rateParagraphs, false).Max()} paragraphs\n\n" +
            "| pacing of each shard | sum of the shards' paces /min | wall s | requests | 429 | **429 share** " +
            "| ok | failed | exit codes (run) | ok/s | limit/s | paragraphs per shard " +
            "| rows read back (distinct ids) | machine CPU busy (others' CPU s) |\n" +
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        // The last row: the limit / 4 again, over documents of 2–149 paragraphs that cannot be split evenly.
        var unevenInput = Corpus(Path.Combine(work, "corpus-rate-uneven"), rateParagraphs, varied: true);
        var pacings = new (string Folder, string Name, string Sum, string Input, string[] Args)[]
        {
            ("rate-rpm-all", $"`--rpm {Limit}` (the account's limit, undivided)", $"{4 * Limit:N0}", rateInput,
                ["--rpm", $"{Limit}"]),
            ("rate-rpm-quarter", $"`--rpm {Limit / 4}` (the limit / 4)", $"{Limit:N0}", rateInput,
                ["--rpm", $"{Limit / 4}"]),
            ("rate-headers", "none: the provider's headers (97 % of `x-ratelimit-limit-requests`)",
                $"{4 * (int)(Limit * 0.97):N0}", rateInput, []),
            ("rate-rpm-quarter-uneven", $"`--rpm {Limit / 4}`, documents of " +
                $"{Sizes(rateParagraphs, true).Min()}–{Sizes(rateParagraphs, true).Max()} paragraphs",
                $"{Limit:N0}", unevenInput, ["--rpm", $"{Limit / 4}"]),
        };
        foreach (var (folder, name, sum, corpus, extra) in pacings)
        {
            await using var provider = await SimulatedProvider.StartAsync(
                new ProviderSettings(s_latency, 0.1, Limit, null, true, _ => BenchCorpus.Answer)
                {
                    BurstSeconds = 2,
                    Seed = Seed,
                });
            var run = await RunAsync(job, repo, Path.Combine(work, folder), 4, corpus, provider.Endpoint, extra);
            var check = await VerifyAsync(run, rateParagraphs, problems);
            Console.WriteLine(
                $"| {name} | {sum} | **{run.Wall:F1}** | {provider.Requests:N0} | {provider.Limited:N0} | " +
                $"**{(double)provider.Limited / provider.Requests:P1}** | {check.Ok} | {check.Failed} | " +
                $"{string.Join(" ", run.Shards.Select(s => s.Exit))} ({check.Manifest?.ExitCode}) | " +
                $"{check.Ok / run.Wall:F2} | {Limit / 60.0:F0} | {string.Join(" / ", check.Loads)} | " +
                $"{check.Rows:N0} ({check.DistinctIds:N0}) | {run.Machine} ({run.Others:F1}) |");
        }

        return Finish(work, problems);
    }

    // Lists the problems found and keeps the work folder (the shards' logs), or deletes it.
    private static int Finish(string work, List<string> problems)
    {
        if (problems.Count > 0)
        {
            Console.WriteLine($"\n**Problems** (the shards' logs are kept under {work}):\n");
            problems.ForEach(p => Console.WriteLine($"- {p}"));
            return 1;
        }

        if (Environment.GetEnvironmentVariable("STANCE_BENCH_KEEP") is "1")
        {
            Console.WriteLine($"\n(the shards' logs and outputs are kept under {work})");
        }
        else
        {
            Directory.Delete(work, recursive: true);
        }

        return 0;
    }

    // Documents of varied lengths (seeded), the last one cut to the total. Varied: half short (2–10 paragraphs), a
    // third medium (20–60), the rest long (100–150), so that splitting them evenly by paragraph count is not trivial.
    // Short: 2–20 paragraphs each, so that 4 shards get about the same share (the shared-limit runs compare pacings,
    // not the plan).
    private static List<int> Sizes(int paragraphs, bool varied)
    {
        var random = new Random(Seed);
        var sizes = new List<int>();
        for (var left = paragraphs; left > 0;)
        {
            var u = random.NextDouble();
            var size = !varied ? random.Next(2, 21)
                : u < 0.5 ? random.Next(2, 11) : u < 0.85 ? random.Next(20, 61) : random.Next(100, 151);
            sizes.Add(Math.Min(size, left));
            left -= sizes[^1];
        }

        return sizes;
    }

    private static string Corpus(string folder, int paragraphs, bool varied)
    {
        var sizes = Sizes(paragraphs, varied);
        BenchCorpus.Write(folder, sizes);
        return folder;
    }

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "–";

    private static double Imbalance(IReadOnlyList<int> loads) =>
        loads.Count == 0 ? double.NaN : (loads.Max() / loads.Average()) - 1;

    // Starts the N shards together, waits for all of them; the wall time runs from the first start to the last exit.
    private static async Task<Run> RunAsync(
        string job, string repo, string folder, int shards, string input, string endpoint, string[] extra)
    {
        var output = Path.Combine(folder, "out");
        var self = Process.GetCurrentProcess();
        var (selfCpu, childrenCpu, machine) = (self.TotalProcessorTime, ChildrenCpuSeconds(), MachineCpu());
        var clock = Stopwatch.StartNew();
        var started = Enumerable.Range(0, shards)
            .Select(k => ShardAsync(job, repo, folder, shards, k, input, output, endpoint, extra, clock))
            .ToList();
        var results = await Task.WhenAll(started);
        var wall = clock.Elapsed.TotalSeconds;
        self.Refresh();
        Console.Error.WriteLine($"  {Path.GetFileName(folder)}: {wall:F1} s, exit codes " +
            string.Join(" ", results.Select(r => r.Exit)));
        var (busy, total) = MachineCpu();
        return new Run(output, folder, wall, results, ChildrenCpuSeconds() - childrenCpu,
            (self.TotalProcessorTime - selfCpu).TotalSeconds, busy - machine.Busy, total - machine.Total);
    }

    private static async Task<ShardResult> ShardAsync(
        string job,
        string repo,
        string folder,
        int shards,
        int index,
        string input,
        string output,
        string endpoint,
        string[] extra,
        Stopwatch clock)
    {
        var disk = Path.Combine(folder, $"disk-{index}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            job, "--input", input, "--output", output, "--prompts", Path.Combine(repo, "prompts"),
            "--provider", "openai", "--endpoint", endpoint, "--model", "bench-model",
            "--concurrency", Concurrency.ToString(CultureInfo.InvariantCulture),
            "--shards", shards.ToString(CultureInfo.InvariantCulture), "--run-name", Path.GetFileName(folder),
            $"--Stance:Journal={Path.Combine(disk, "journal.db")}",
            $"--Stance:Storage:StateFolder={Path.Combine(disk, "state")}",
            "--Logging:Console:TimestampFormat=HH:mm:ss.fff ", "--Logging:Console:UseUtcTimestamp=true", .. extra,
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["OPENAI_API_KEY"] = "bench";
        start.Environment["JOB_COMPLETION_INDEX"] = index.ToString(CultureInfo.InvariantCulture);
        var startedAt = clock.Elapsed.TotalSeconds;
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        var cpu = TimeSpan.Zero;
        var deadline = Stopwatch.StartNew();
        while (!child.HasExited)
        {
            try
            {
                child.Refresh();
                cpu = child.TotalProcessorTime;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // it exited between the check and the read
            }

            if (deadline.Elapsed > s_childTimeout)
            {
                Console.Error.WriteLine($"  shard {index} still running after {s_childTimeout}: killed");
                child.Kill(entireProcessTree: true);
            }

            await Task.Delay(50);
        }

        await child.WaitForExitAsync();
        var exitedAt = clock.Elapsed.TotalSeconds;
        var log = await stdout + await stderr;
        await File.WriteAllTextAsync(Path.Combine(folder, $"shard-{index}.log"), log);
        return new ShardResult(index, child.ExitCode, startedAt, exitedAt, cpu.TotalSeconds,
            log.Contains($"committed from {shards} shards", StringComparison.Ordinal));
    }

    // The CPU time of this process's children that have exited and been waited for (cutime + cstime).
    private static double ChildrenCpuSeconds()
    {
        const string Stat = "/proc/self/stat";
        if (!File.Exists(Stat))
        {
            return double.NaN;
        }

        var text = File.ReadAllText(Stat);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[13], CultureInfo.InvariantCulture) +
            long.Parse(fields[14], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    // The whole machine's CPU seconds since boot, busy (user, nice, system, irq, softirq, steal) and in all (idle and
    // iowait too), from the first line of /proc/stat.
    private static (double Busy, double Total) MachineCpu()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (double.NaN, double.NaN);
        }

        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture) / ClockTicksPerSecond)
            .ToArray();
        var idle = ticks[3] + ticks[4];
        return (ticks.Sum() - idle, ticks.Sum());
    }

    // What the run committed: exactly one manifest, the part files it lists are the ones in the folder, and the
    // paragraphs table holds every paragraph of the corpus once.
    private static async Task<Check> VerifyAsync(Run run, int expected, List<string> problems)
    {
        var name = Path.GetFileName(run.Folder);
        var runs = Path.Combine(run.Output, "runs");
        var manifests = Directory.Exists(runs)
            ? Directory.GetFiles(runs, "*.json", SearchOption.AllDirectories)
            : [];
        if (manifests.Length != 1)
        {
            problems.Add($"{name}: {manifests.Length} run manifests under {runs}, not 1");
        }

        var manifest = manifests.Length == 1 ? RunManifest.Read(manifests[0]) : null;
        var table = Path.Combine(run.Output, "paragraphs");
        var parts = Directory.Exists(table)
            ? Directory.GetFiles(table, "*.parquet", SearchOption.AllDirectories)
                .Where(p => !Path.GetFileName(p).StartsWith('.'))
                .ToList()
            : [];
        var (rows, ok, ids) = (0L, 0L, new HashSet<string>(StringComparer.Ordinal));
        foreach (var part in parts)
        {
            var (partRows, partOk) = await ReadAsync(part, ids);
            rows += partRows;
            ok += partOk;
        }

        if (rows != expected || ids.Count != expected)
        {
            problems.Add($"{name}: {rows} paragraph rows ({ids.Count} distinct ids) read back, not {expected}");
        }

        var listed = manifest?.Files
            .Where(f => f.StartsWith("paragraphs/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList() ?? [];
        var found = parts.Select(p => Path.GetRelativePath(run.Output, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (manifest is not null && !listed.SequenceEqual(found))
        {
            problems.Add($"{name}: the manifest lists {listed.Count} paragraph parts, the folder holds {found.Count}");
        }

        var shards = run.Shards.Count;
        var committers = run.Shards.Count(s => s.Committed);
        if (shards > 1 && committers != 1)
        {
            problems.Add($"{name}: {committers} shards logged 'committed from {shards} shards', not 1");
        }

        if (manifest is not null && shards > 1 && manifest.Shards?.Count != shards)
        {
            problems.Add($"{name}: the manifest lists {manifest.Shards?.Count ?? 0} shards, not {shards}");
        }

        if (manifest is not null && (manifest.Counts.Ok != ok || manifest.Counts.Paragraphs != expected))
        {
            problems.Add($"{name}: the manifest counts {manifest.Counts.Paragraphs} paragraphs, " +
                $"{manifest.Counts.Ok} ok; the rows {rows}, {ok} ok");
        }

        var loads = manifest?.Shards?.Select(s => s.Paragraphs).ToList()
            ?? (manifest is null ? [] : [manifest.Counts.Paragraphs]);
        return new Check(rows, ids.Count, ok, manifest?.Counts.Failed ?? -1, loads, manifest);
    }

    // The rows of one paragraphs part and how many are ok; adds their paragraph ids to ids.
    private static async Task<(long Rows, long Ok)> ReadAsync(string path, HashSet<string> ids)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var idField = reader.Schema.DataFields.First(f => f.Name == "paragraph_id");
        var statusField = reader.Schema.DataFields.First(f => f.Name == "status");
        var (rows, ok) = (0L, 0L);
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            rows += rowGroup.RowCount;
            var values = new string?[checked((int)rowGroup.RowCount)];
            await rowGroup.ReadAsync(idField, values.AsMemory(), null, CancellationToken.None);
            ids.UnionWith(values.Select(v => v ?? string.Empty));
            await rowGroup.ReadAsync(statusField, values.AsMemory(), null, CancellationToken.None);
            ok += values.Count(v => v == "ok");
        }

        return (rows, ok);
    }

    private sealed record ShardResult(int Index, int Exit, double Started, double Exited, double Cpu, bool Committed);

    private sealed record Run(
        string Output, string Folder, double Wall, IReadOnlyList<ShardResult> Shards, double ShardsCpu,
        double ProviderCpu, double MachineBusy, double MachineTotal)
    {
        // The machine's CPU seconds busy during the run (all cores, every process) over the CPU seconds there were.
        public string Machine => $"{MachineBusy / MachineTotal:P0}";

        // The CPU seconds other processes used meanwhile: the machine's busy time less the shards' and this process's.
        public double Others => MachineBusy - ShardsCpu - ProviderCpu;
    }

    private sealed record Check(
        long Rows, int DistinctIds, long Ok, int Failed, IReadOnlyList<int> Loads, RunManifest? Manifest)
    {
        // A shard as the manifest lists it; a run in one process has no list: its counts are its only shard's.
        public ManifestShard? Shard(int index) => Manifest is not { } m ? null
            : m.Shards is { } shards ? shards.FirstOrDefault(s => s.Shard == index)
            : new ManifestShard(0, m.ExitCode, m.Counts.Documents, m.Counts.Paragraphs, m.Counts.Ok, m.Counts.Failed,
                m.Counts.Requests, m.EstimatedCost, m.StartedAt, m.FinishedAt, m.Files);
    }
}

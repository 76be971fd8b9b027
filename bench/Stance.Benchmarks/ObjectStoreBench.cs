using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Parquet;
using Stance.Journal;
using Stance.Output;
using Stance.Storage.Objects;
using Stance.Storage.Objects.Azure;
using Stance.Storage.Objects.S3;

namespace Stance.Benchmarks;

/// <summary>The <c>object-store</c> scenario (issue #15): the same paragraph rows (and two target rows each) written
/// through the job's <see cref="ParquetOutput"/> to a local folder, to S3 (s3rver) and to Azure Blob (Azurite), each
/// destination in its own child process so that its peak RSS is its own. The emulators run as separate node
/// processes started by the parent: their CPU and memory are not counted.</summary>
internal static partial class ObjectStoreBench
{
    private const string Bucket = "bench";
    private const string Prefix = "stance";
    private const int RowsPerPart = ParquetOutput.DefaultRowsPerPart;
    private const string AzuriteAccount = "devstoreaccount1";

    // Azurite's well-known development account key (public, documented by Microsoft).
    private const string AzuriteKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly DateTime s_scoredAt = new(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc);

    /// <summary><c>object-store [paragraphs]</c> (the parent) or <c>object-store-one DEST N ENDPOINT WORK</c> (one
    /// destination, in a child process).</summary>
    public static Task<int> MainAsync(string[] args) =>
        args[0] == "object-store-one"
            ? ChildAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3], args[4])
            : ParentAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000);

    private static async Task<int> ParentAsync(int paragraphs)
    {
        var repo = FindRepo();
        var emulators = Path.Combine(repo, "tools", "emulators");
        var work = Path.Combine(Path.GetTempPath(), "stance-bench-objects",
            DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        var self = typeof(ObjectStoreBench).Assembly.Location;
        Console.WriteLine(
            $"# Stance object-store output, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} " +
            $"cores, .NET {Environment.Version}: {paragraphs:N0} paragraphs + {2 * paragraphs:N0} target rows, " +
            $"{RowsPerPart:N0} rows a part, each destination in a child process\n\n" +
            "| destination | wall s (write + commit) | paragraphs/s | rows/s (all tables) | peak RSS MB (VmHWM) " +
            "| live MB after commit | bytes written (parts) | rows read back | child total s |\n" +
            "|---|---|---|---|---|---|---|---|---|");
        var failures = 0;
        foreach (var destination in new[] { "local", "s3", "azure" })
        {
            var folder = Path.Combine(work, destination);
            Directory.CreateDirectory(folder);
            using var emulator = destination switch
            {
                "s3" => await Emulator.StartAsync(
                    emulators,
                    [
                        Path.Combine(emulators, "s3rver.mjs"), "--port", "0",
                        "--directory", Path.Combine(folder, "s3rver"), "--bucket", Bucket, "--exit-with-stdin",
                    ],
                    S3Listening()),
                "azure" => await Emulator.StartAsync(
                    emulators,
                    [
                        Path.Combine(emulators, "node_modules", "azurite", "dist", "src", "blob", "main.js"),
                        "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", Path.Combine(folder, "azurite"),
                        "--silent", "--skipApiVersionCheck", "--loose",
                    ],
                    AzuriteListening()),
                _ => null,
            };
            var endpoint = emulator is null ? "-" : $"http://127.0.0.1:{emulator.Port}";
            var (_, stdout, _, wall, exit) = await ReadMemory.RunChild(
                self,
                repo,
                ["object-store-one", destination, paragraphs.ToString(CultureInfo.InvariantCulture), endpoint, folder]);
            var result = stdout.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            if (exit != 0 || result is null)
            {
                failures++;
                Console.WriteLine($"| {destination} | failed (exit {exit}): {stdout.Trim().ReplaceLineEndings(" ")} |");
                continue;
            }

            var r = result.Split(' ');
            var seconds = double.Parse(r[1], CultureInfo.InvariantCulture);
            var hwm = long.Parse(r[2], CultureInfo.InvariantCulture);
            var bytes = long.Parse(r[3], CultureInfo.InvariantCulture);
            var (parts, readParagraphs, readTargets) = (r[4], long.Parse(r[5], CultureInfo.InvariantCulture),
                long.Parse(r[6], CultureInfo.InvariantCulture));
            var live = long.Parse(r[7], CultureInfo.InvariantCulture);
            Console.WriteLine(
                $"| {Name(destination)} | **{seconds:F2}** | {paragraphs / seconds:N0} | " +
                $"{(paragraphs + readTargets) / seconds:N0} | **{hwm / 1048576.0:F0}** | {live / 1048576.0:F0} | " +
                $"{bytes:N0} ({parts} parts) | {readParagraphs:N0} + {readTargets:N0} | {wall:F1} |");
        }

        Directory.Delete(work, recursive: true);
        return failures == 0 ? 0 : 1;
    }

    private static string Name(string destination) => destination switch
    {
        "s3" => "S3 (s3rver, loopback)",
        "azure" => "Azure Blob (Azurite, loopback)",
        _ => "local disk",
    };

    // One destination: builds the dataset, writes and commits the rows (timed), reads the peak RSS, then lists the
    // committed parts and reads every one back; prints "RESULT seconds hwmBytes bytes parts paragraphs targets live".
    private static async Task<int> ChildAsync(string destination, int paragraphs, string endpoint, string folder)
    {
        var run = new RunStamp(
            "bench-run", DateOnly.FromDateTime(s_scoredAt), "openai", "m", "stance", new string('a', 64));
        var logger = NullLogger<ParquetOutput>.Instance;
        using var s3 = destination == "s3"
            ? S3Clients.Create(
                new S3StorageOptions { ServiceUrl = endpoint, ForcePathStyle = true, Region = S3Clients.DefaultRegion },
                new BasicAWSCredentials("S3RVER", "S3RVER"),
                _ => null)
            : null;
        IObjectStore? store = null;
        if (s3 is not null)
        {
            store = new S3ObjectStore(s3, new ObjectLocation(ObjectStoreKind.S3, Bucket, Prefix, null));
        }
        else if (destination == "azure")
        {
            var connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteAccount};AccountKey={AzuriteKey};" +
                $"BlobEndpoint={endpoint}/{AzuriteAccount};";
            var location = new ObjectLocation(ObjectStoreKind.AzureBlob, Bucket, Prefix, null);
            Func<string, string?> environment = name => name == AzureClients.ConnectionStringVariable
                ? connection
                : null;
            await AzureClients.Container(location, environment).CreateIfNotExistsAsync();
            store = AzureClients.CreateStore(location, environment);
        }

        var output = Path.Combine(folder, "output");
        var clock = Stopwatch.StartNew();
        var tables = store is null
            ? new ParquetOutput(logger).Begin(output, run)
            : ParquetOutput.Begin(
                new ObjectDataset(store, Path.Combine(folder, "state"), logger), run, RowsPerPart,
                ReplaceMode.Documents);
        for (var i = 0; i < paragraphs; i++)
        {
            await tables.AddParagraphAsync(Paragraph(run, i), CancellationToken.None);
            foreach (var target in Targets(run, i))
            {
                await tables.AddTargetAsync(target, CancellationToken.None);
            }
        }

        var committed = await tables.CommitAsync(CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        var hwm = ReadMemory.PeakRssBytes();

        // What the process still holds once the commit is done: rows retained vs heap the GC has not given back.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var live = GC.GetTotalMemory(false);

        // Verification, outside the timing and after the peak was read: what a reader of the destination sees.
        var (bytes, parts, readParagraphs, readTargets, distinct) =
            await VerifyAsync(store, output, Path.Combine(folder, "verify"), run);
        var pending = 0;
        if (store is not null)
        {
            foreach (var table in ParquetOutput.Tables)
            {
                pending += (await store.ListPendingAsync($"{table}/", CancellationToken.None)).Count;
            }
        }

        var problems = new List<string>();
        if (readParagraphs != paragraphs || distinct != paragraphs)
        {
            problems.Add($"{readParagraphs} paragraph rows ({distinct} distinct ids) read back, not {paragraphs}");
        }

        if (readTargets != 2L * paragraphs)
        {
            problems.Add($"{readTargets} target rows read back, not {2L * paragraphs}");
        }

        if (parts != committed.Files.Count)
        {
            problems.Add($"{parts} parts listed, the commit returned {committed.Files.Count}");
        }

        if (pending != 0)
        {
            problems.Add($"{pending} staged uploads left pending");
        }

        if (problems.Count > 0)
        {
            Console.WriteLine($"VERIFY FAILED ({destination}): {string.Join("; ", problems)}");
            return 2;
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"RESULT {seconds:F3} {hwm} {bytes} {parts} {readParagraphs} {readTargets} {live}"));
        return 0;
    }

    // Lists the date's committed parts of both tables (the object store's listing, or the folder), fetches each and
    // counts its rows with Parquet.Net; the paragraph ids must be distinct.
    private static async Task<(long Bytes, int Parts, long Paragraphs, long Targets, int Distinct)> VerifyAsync(
        IObjectStore? store, string output, string verify, RunStamp run)
    {
        Directory.CreateDirectory(verify);
        var (bytes, parts, paragraphs, targets) = (0L, 0, 0L, 0L);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in ParquetOutput.Tables)
        {
            var listed = store is null
                ? ParquetOutput.CommittedParts(output, table, run).Select(p => (Key: p, Path: Path.Combine(output, p)))
                : (await store.ListAsync(ParquetOutput.Partition(table, run), CancellationToken.None))
                    .Where(o => ParquetOutput.IsPartName(Path.GetFileName(o.Key)))
                    .Select(o => (Key: o.Key, Path: Path.Combine(verify, Path.GetFileName(o.Key))));
            foreach (var (key, path) in listed.ToList())
            {
                if (store is not null)
                {
                    await using var file = File.Create(path);
                    if (!await store.DownloadAsync(key, file, CancellationToken.None))
                    {
                        throw new InvalidOperationException($"{key} was listed but cannot be downloaded");
                    }
                }

                parts++;
                bytes += new FileInfo(path).Length;
                var rows = await ReadAsync(path, table == "paragraphs" ? ids : null);
                if (table == "paragraphs")
                {
                    paragraphs += rows;
                }
                else
                {
                    targets += rows;
                }
            }
        }

        return (bytes, parts, paragraphs, targets, ids.Count);
    }

    // The row count of a Parquet file (every row group); adds its paragraph_id values to ids when given.
    private static async Task<long> ReadAsync(string path, HashSet<string>? ids)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var field = reader.Schema.DataFields.First(f => f.Name == "paragraph_id");
        long count = 0;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rows = reader.OpenRowGroupReader(group);
            count += rows.RowCount;
            if (ids is not null)
            {
                var values = new string?[checked((int)rows.RowCount)];
                await rows.ReadAsync(field, values.AsMemory(), null, CancellationToken.None);
                ids.UnionWith(values.Select(v => v ?? string.Empty));
            }
        }

        return count;
    }

    /// <summary>The benchmark's paragraph row (the parquet scenario's too), scored at
    /// <paramref name="scoredAt"/>.</summary>
    internal static ParagraphRow Paragraph(RunStamp run, int i, DateTime? scoredAt = null) => new()
    {
        RunId = run.RunId, RunDate = run.RunDate, ScoredAt = scoredAt ?? s_scoredAt,
        DocumentId = $"doc-{i / 100:D6}.txt", DocumentTitle = "Commentary",
        SourcePath = $"doc-{i / 100:D6}.txt", ParagraphIndex = i % 100, ParagraphId = $"{i:x24}",
        TextSha256 = new string('b', 64), Text = $"Point {i}: {BenchCorpus.Sentence}",
        Provider = run.Provider, Model = run.Model, PromptName = run.PromptName, PromptSha256 = run.PromptSha256,
        Status = "ok", FromCache = false, Attempts = 1, InputTokens = 600, OutputTokens = 120, LatencyMs = 210.5,
        SentimentScore = -0.6, SentimentLabel = "negative", MainTarget = "United States", StanceLabel = "against",
        StanceScore = -0.7, Confidence = 0.8,
        Rationale = "Criticises the U.S.",
    };

    // The two targets of BenchCorpus.Answer, as RowMapper.ToTargetRows maps them.
    private static IEnumerable<TargetRow> Targets(RunStamp run, int i)
    {
        (string Target, string Mention, string Label, double Score, double Confidence, string Evidence)[] targets =
        [
            ("United States", "U.S.", "against", -0.4, 0.7, "The U.S. criticised Armenia again"),
            ("Armenia", "Armenia", "neutral", 0, 0.6, "criticised Armenia again"),
        ];
        return targets.Select(t => new TargetRow
        {
            RunId = run.RunId, RunDate = run.RunDate, DocumentId = $"doc-{i / 100:D6}.txt",
            ParagraphId = $"{i:x24}", ParagraphIndex = i % 100, Target = t.Target, Mention = t.Mention,
            Watched = true, StanceLabel = t.Label, StanceScore = t.Score, Confidence = t.Confidence,
            Evidence = t.Evidence, Provider = run.Provider, Model = run.Model, PromptSha256 = run.PromptSha256,
        });
    }

    internal static string FindRepo()
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

    [GeneratedRegex(@"^listening (\d+)$")]
    internal static partial Regex S3Listening();

    [GeneratedRegex(@"successfully listens on https?://[^:/]+:(\d+)")]
    private static partial Regex AzuriteListening();

    /// <summary>An emulator as a node child process of the parent, on a port the OS chose; killed (its whole tree) on
    /// dispose.</summary>
    internal sealed class Emulator : IDisposable
    {
        private readonly Process _process;

        private Emulator(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public static async Task<Emulator> StartAsync(string folder, string[] arguments, Regex ready)
        {
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var lines = new List<string>();
            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            DataReceivedEventHandler read = (_, line) =>
            {
                if (line.Data is null)
                {
                    return;
                }

                lock (lines)
                {
                    lines.Add(line.Data);
                }

                if (ready.Match(line.Data) is { Success: true } match)
                {
                    port.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            };
            process.OutputDataReceived += read;
            process.ErrorDataReceived += read;
            process.Exited += (_, _) => port.TrySetException(new InvalidOperationException(
                $"{Path.GetFileName(arguments[0])} exited before listening: {string.Join('\n', lines)}"));
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new Emulator(process, await port.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        }

        public void Dispose()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }
    }
}

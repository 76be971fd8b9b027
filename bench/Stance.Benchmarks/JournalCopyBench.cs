using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Stance.Journal;
using Stance.Storage.Objects;
using Stance.Storage.Objects.S3;

namespace Stance.Benchmarks;

/// <summary><c>journal-copy [answers]</c>: what keeping the journal next to an object-store dataset costs (issue #15):
/// a segment of N answers saved to s3rver, restored by a machine with an empty disk, and compacted into a snapshot —
/// bytes and wall time of each.</summary>
internal static class JournalCopyBench
{
    public static async Task<int> MainAsync(string[] args)
    {
        var answers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var repo = ObjectStoreBench.FindRepo();
        var emulators = Path.Combine(repo, "tools", "emulators");
        var work = Path.Combine(Path.GetTempPath(), "stance-bench-journal", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        using var emulator = await ObjectStoreBench.Emulator.StartAsync(
            emulators,
            [
                Path.Combine(emulators, "s3rver.mjs"), "--port", "0", "--directory", Path.Combine(work, "s3rver"),
                "--bucket", "bench", "--exit-with-stdin",
            ],
            ObjectStoreBench.S3Listening());
        using var client = S3Clients.Create(
            new S3StorageOptions
            {
                ServiceUrl = $"http://127.0.0.1:{emulator.Port}",
                ForcePathStyle = true,
                Region = S3Clients.DefaultRegion,
            },
            new BasicAWSCredentials("S3RVER", "S3RVER"),
            _ => null);
        var store = new S3ObjectStore(client, new ObjectLocation(ObjectStoreKind.S3, "bench", "stance", null));

        var first = Path.Combine(work, "a", "journal.db");
        Fill(first, answers);
        var journalBytes = new FileInfo(first).Length;
        using var saving = new JournalReplica(store, first, NullLogger.Instance);
        var save = Stopwatch.StartNew();
        await saving.SaveAsync("bench-run", always: false, CancellationToken.None);
        save.Stop();
        var segmentBytes = (await store.ListAsync(JournalReplica.Folder, CancellationToken.None)).Sum(o => o.Size);

        var second = Path.Combine(work, "b", "journal.db");
        using var restoring = new JournalReplica(store, second, NullLogger.Instance);
        var restore = Stopwatch.StartNew();
        var restored = await restoring.RestoreAsync(CancellationToken.None);
        restore.Stop();
        if (restored != answers)
        {
            Console.Error.WriteLine($"restored {restored} answers, expected {answers}");
            return 1;
        }

        Console.WriteLine(
            $"# Journal copy next to the dataset, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, " +
            $"{Environment.ProcessorCount} cores, s3rver on loopback\n\n" +
            "| answers | local journal MB | segment MB | save s | restore on an empty disk s | bytes per answer |\n" +
            "|---|---|---|---|---|---|\n" +
            $"| {answers:N0} | {journalBytes / 1e6:F1} | {segmentBytes / 1e6:F1} | {save.Elapsed.TotalSeconds:F2} | " +
            $"{restore.Elapsed.TotalSeconds:F2} | {segmentBytes / (double)answers:F0} |");
        Directory.Delete(work, recursive: true);
        return 0;
    }

    // Answers shaped like the job's (a stance answer of about 700 bytes of JSON), written in one transaction.
    private static void Fill(string journal, int answers)
    {
        ResultStore.Open(journal).DisposeAsync().AsTask().GetAwaiter().GetResult();
        using var connection = new SqliteConnection($"Data Source={journal};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO answers (cache_key, text_sha256, prompt_sha256, provider, model, answer_json, attempts,
                input_tokens, output_tokens, latency_ms, scored_at, run_id, session)
            VALUES ($key, $text, $prompt, 'openai', 'gpt-4o-mini', $answer, 1, 600, 120, 210.5,
                '2026-12-02T01:00:00Z', 'bench-run', 'bench')
            """;
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var text = command.Parameters.Add("$text", SqliteType.Text);
        command.Parameters.AddWithValue("$prompt", new string('a', 64));
        var answer = command.Parameters.Add("$answer", SqliteType.Text);
        for (var i = 0; i < answers; i++)
        {
            key.Value = $"{i:x64}";
            text.Value = $"{i * 7919:x64}";
            answer.Value = $$"""
                {"sentiment":{"label":"negative","score":-0.6},"main_target":"United States","targets":[{"target":
                "United States","stance":"against","score":-0.7,"confidence":0.8,"evidence":"The U.S. has again taken
                harmful steps against Azerbaijan ({{i}})"},{"target":"Azerbaijan","stance":"favor","score":0.5,
                "confidence":0.7,"evidence":"Azerbaijan welcomes dialogue and constructive cooperation"}],
                "rationale":"Criticises the U.S. and defends Azerbaijan's position in the talks."}
                """;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}

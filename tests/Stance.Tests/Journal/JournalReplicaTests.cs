using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Stance.Journal;
using Stance.Tests.Support;

namespace Stance.Tests.Journal;

/// <summary>The journal's copy next to an object-store dataset: what one machine journaled, a machine with an empty
/// disk finds; saved files are compacted; saving twice adds nothing twice.</summary>
public sealed class JournalReplicaTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly MemoryObjectStore _store = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AnswersAndRunsSavedByOneMachineAreFoundByAnotherWithAnEmptyDisk()
    {
        var first = Journal("a");
        Insert(first, "k1", "k2");
        MarkRun(first, "run-1", finished: true);
        using (var replica = Replica(first))
        {
            await replica.SaveAsync("run-1", always: false, default);
        }

        var second = Journal("b");
        using var fresh = Replica(second);
        var added = await fresh.RestoreAsync(default);

        Assert.Equal(2, added);
        Assert.Equal(["k1", "k2"], Keys(second));
        await using var store = ResultStore.Open(second);
        Assert.NotNull(store.Find("k1"));
        Assert.Null(store.FindUnfinishedRun(new RunStamp("x", new DateOnly(2026, 12, 2), "p", "m", "s", "sha")));
    }

    [Fact]
    public async Task OnlyAnswersNewSinceTheLastSaveAreSavedAgainAndARestoreImportsEachFileOnce()
    {
        var first = Journal("a");
        using var replica = Replica(first);
        Insert(first, "k1");
        await replica.SaveAsync("run-1", always: false, default);
        await replica.SaveAsync("run-1", always: false, default); // nothing new: no file
        Insert(first, "k2");
        await replica.SaveAsync("run-1", always: false, default);

        var second = Journal("b");
        using var fresh = Replica(second);
        Assert.Equal(2, await fresh.RestoreAsync(default));
        Assert.Equal(0, await fresh.RestoreAsync(default));

        Assert.Equal(2, _store.Keys.Count(k => k.StartsWith(JournalReplica.Folder, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AMachineThatRestoredEverythingSavesNoneOfItAgain()
    {
        var first = Journal("a");
        Insert(first, "k1", "k2", "k3");
        using (var replica = Replica(first))
        {
            await replica.SaveAsync("run-1", always: false, default);
        }

        var second = Journal("b");
        using var fresh = Replica(second);
        await fresh.RestoreAsync(default);
        await fresh.SaveAsync("run-2", always: false, default);

        Assert.Single(_store.Keys, k => k.StartsWith(JournalReplica.Folder, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnswersJournaledButNotYetSavedAreStillSavedAfterARestore()
    {
        var first = Journal("a");
        Insert(first, "k1");
        using (var replica = Replica(first))
        {
            await replica.SaveAsync("run-1", always: false, default);
        }

        var second = Journal("b");
        Insert(second, "local-only"); // paid on this machine, its save never happened (the process died)
        using (var replica = Replica(second))
        {
            await replica.RestoreAsync(default);
            await replica.SaveAsync("run-2", always: false, default);
        }

        var third = Journal("c");
        using var fresh = Replica(third);
        await fresh.RestoreAsync(default);
        Assert.Equal(["k1", "local-only"], Keys(third));
    }

    [Fact]
    public async Task ManySavedFilesAreCompactedIntoOneSnapshotThatStillHoldsEveryAnswer()
    {
        var first = Journal("a");
        using var replica = Replica(first);
        for (var i = 0; i <= JournalReplica.CompactAfter; i++)
        {
            Insert(first, $"k{i:D2}");
            await replica.SaveAsync("run-1", always: false, default);
        }

        await replica.CompactAsync("run-1", default);

        var saved = _store.Keys.Where(k => k.StartsWith(JournalReplica.Folder, StringComparison.Ordinal)).ToList();
        Assert.Contains("/snapshot-", Assert.Single(saved), StringComparison.Ordinal);
        var second = Journal("b");
        using var fresh = Replica(second);
        Assert.Equal(JournalReplica.CompactAfter + 1, await fresh.RestoreAsync(default));
    }

    [Fact]
    public async Task AShardsGroupCommitsAreReplacedByOneFileThatHoldsEveryAnswerOfItsRun()
    {
        var journal = Journal("shard");
        using var replica = new JournalReplica(_store, journal, NullLogger.Instance, writer: "s0003");
        foreach (var key in new[] { "k1", "k2", "k3" })
        {
            Insert(journal, key);
            await replica.SaveSoonAsync("run-1");
        }

        var segments = _store.Keys.Where(k => k.StartsWith(JournalReplica.Folder, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, segments.Count);
        Assert.All(segments, k => Assert.Contains("-run-1-s0003-", k, StringComparison.Ordinal));

        await replica.ConsolidateAsync("run-1", default);

        var left = Assert.Single(_store.Keys, k => k.StartsWith(JournalReplica.Folder, StringComparison.Ordinal));
        Assert.DoesNotContain(left, segments);
        var fresh = Journal("new-pod");
        using var restorer = Replica(fresh);
        Assert.Equal(3, await restorer.RestoreAsync(default));
        Assert.Equal(["k1", "k2", "k3"], Keys(fresh));
    }

    private string Journal(string name) => Path.Combine(_folder.Path, name, "journal.db");

    private JournalReplica Replica(string journal) => new(_store, journal, NullLogger.Instance);

    private static void Insert(string journal, params string[] keys)
    {
        ResultStore.Open(journal).DisposeAsync().AsTask().GetAwaiter().GetResult();
        using var connection = new SqliteConnection($"Data Source={journal};Pooling=False");
        connection.Open();
        foreach (var key in keys)
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO answers (cache_key, text_sha256, prompt_sha256, provider, model, answer_json, attempts,
                    latency_ms, scored_at, run_id, session)
                VALUES ($key, 't', 'sha', 'p', 'm', '{}', 1, 1.0, '2026-12-02T01:00:00Z', 'run-1', 's')
                """;
            command.Parameters.AddWithValue("$key", key);
            command.ExecuteNonQuery();
        }
    }

    private static void MarkRun(string journal, string runId, bool finished)
    {
        using var connection = new SqliteConnection($"Data Source={journal};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO runs VALUES ($run, '2026-12-02', 'p', 'm', 'sha', 'x', $finished)";
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$finished", finished ? "2026-12-02T02:00:00Z" : DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static List<string> Keys(string journal)
    {
        using var connection = new SqliteConnection($"Data Source={journal};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT cache_key FROM answers ORDER BY cache_key";
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}

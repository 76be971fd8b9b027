using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Stance.Contract;
using Stance.Storage;

namespace Stance.Journal;

/// <summary>The durable record of every answer paid for: an SQLite database in WAL mode with full fsync, written by
/// one background writer that commits whatever has queued up in one transaction (group commit). A caller's
/// <see cref="RecordAsync"/> completes only once its answer is on disk, so a crash loses at most the requests in
/// flight. The same table is the result cache: an answer is found again by its request key (see
/// <c>Scoring.RequestKey</c>). Look-ups use a second connection, so they never wait for the writer's fsync (WAL lets
/// readers and the writer run together).</summary>
internal sealed class ResultStore : IAsyncDisposable
{
    private const string InsertAnswer =
        "INSERT OR REPLACE INTO answers (cache_key, text_sha256, prompt_sha256, provider, model, answer_json, " +
        "attempts, input_tokens, output_tokens, latency_ms, scored_at, run_id, session, batch_id, " +
        "cached_input_tokens) VALUES ($key, $text, $prompt, $provider, $model, $answer, $attempts, $in, $out, " +
        "$latency, $at, $run, $session, $batch, $cached)";

    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly SqliteConnection _reader;
    private readonly Channel<PendingWrite> _writes =
        Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly Lock _readLock = new();
    private readonly SqliteCommand _find;
    private readonly SqliteCommand _insert;

    private ResultStore(string path, SqliteConnection connection, SqliteConnection reader)
    {
        _path = Path.GetFullPath(path);
        _connection = connection;
        _reader = reader;
        _find = PrepareFind(reader);
        _insert = connection.CreateCommand();
        _insert.CommandText = InsertAnswer;
        foreach (var name in (string[])
            [
                "$key", "$text", "$prompt", "$provider", "$model", "$answer", "$attempts", "$in", "$out", "$latency",
                "$at", "$run", "$session", "$batch", "$cached",
            ])
        {
            _insert.Parameters.Add(new SqliteParameter { ParameterName = name }); // typed by each value
        }

        _insert.Prepare();
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Opens an existing database for look-ups only (the dry run); nothing is written.</summary>
    public static ReadOnlyResultStore OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        return new ReadOnlyResultStore(connection);
    }

    /// <summary>Opens (or creates) the database at <paramref name="path"/>.</summary>
    public static ResultStore Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = 5000;
            CREATE TABLE IF NOT EXISTS answers (
                cache_key TEXT PRIMARY KEY,
                text_sha256 TEXT NOT NULL,
                prompt_sha256 TEXT NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                answer_json TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                input_tokens INTEGER,
                output_tokens INTEGER,
                latency_ms REAL NOT NULL,
                scored_at TEXT NOT NULL,
                run_id TEXT NOT NULL,
                session TEXT NOT NULL,
                batch_id TEXT,
                cached_input_tokens INTEGER);
            CREATE TABLE IF NOT EXISTS runs (
                run_id TEXT PRIMARY KEY,
                run_date TEXT NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                prompt_sha256 TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT);
            """);
        if (!HasColumn(connection, "batch_id"))
        {
            // A journal from before batch mode: its answers were all paid one call at a time.
            Execute(connection, "ALTER TABLE answers ADD COLUMN batch_id TEXT;");
        }

        if (!HasColumn(connection, "cached_input_tokens"))
        {
            // A journal from before cached prompt tokens were recorded: its answers' are unknown (null).
            Execute(connection, "ALTER TABLE answers ADD COLUMN cached_input_tokens INTEGER;");
        }

        var reader = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        reader.Open();
        Execute(reader, "PRAGMA busy_timeout = 5000;");
        return new ResultStore(path, connection, reader);
    }

    /// <summary>This process's id in the journal: an answer recorded in this session is one this process paid
    /// for.</summary>
    public string Session { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The answer recorded under <paramref name="cacheKey"/>, or null.</summary>
    public StoredAnswer? Find(string cacheKey)
    {
        lock (_readLock)
        {
            return Find(_find, cacheKey);
        }
    }

    /// <summary>A prepared look-up by key on <paramref name="connection"/>, reused for every paragraph.</summary>
    internal static SqliteCommand PrepareFind(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText =
            "SELECT answer_json, attempts, input_tokens, output_tokens, latency_ms, scored_at, run_id, session, " +
            (HasColumn(connection, "batch_id") ? "batch_id" : "NULL") + ", " +
            (HasColumn(connection, "cached_input_tokens") ? "cached_input_tokens" : "NULL") +
            " FROM answers WHERE cache_key = $key";
        command.Parameters.Add("$key", SqliteType.Text);
        command.Prepare();
        return command;
    }

    /// <summary>Runs the prepared look-up for <paramref name="cacheKey"/>.</summary>
    internal static StoredAnswer? Find(SqliteCommand find, string cacheKey)
    {
        find.Parameters[0].Value = cacheKey;
        using var reader = find.ExecuteReader();
        return reader.Read()
            ? new StoredAnswer(
                JsonSerializer.Deserialize<StanceAnswer>(reader.GetString(0))!,
                reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.GetDouble(4),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture),
                reader.GetString(6),
                reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetInt32(9))
            : null;
    }

    private static bool HasColumn(SqliteConnection connection, string column)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM pragma_table_info('answers') WHERE name = $column";
        command.Parameters.AddWithValue("$column", column);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Called after each answer is committed, before <see cref="RecordAsync"/> completes: a sharded run
    /// saves the answer next to the dataset too (a pod's disk does not outlive it).</summary>
    public Func<Task>? AfterRecord { get; set; }

    /// <summary>Records an ok answer durably; completes when it is committed to disk (and
    /// <see cref="AfterRecord"/> has finished).</summary>
    public Task RecordAsync(
        string cacheKey,
        string textSha256,
        RunStamp run,
        ScoreOutcome outcome,
        DateTimeOffset scoredAt) =>
        Then(Enqueue(new PendingWrite(null,
        [
            cacheKey,
            textSha256,
            run.PromptSha256,
            run.Provider,
            run.Model,
            JsonSerializer.Serialize(outcome.Answer),
            outcome.Attempts,
            (object?)outcome.InputTokens ?? DBNull.Value,
            (object?)outcome.OutputTokens ?? DBNull.Value,
            outcome.LatencyMs,
            scoredAt.ToString("O", CultureInfo.InvariantCulture),
            run.RunId,
            Session,
            (object?)outcome.BatchId ?? DBNull.Value,
            (object?)outcome.CachedInputTokens ?? DBNull.Value,
        ])));

    private Task Then(Task committed) => AfterRecord is { } after ? ThenAsync(committed, after) : committed;

    private static async Task ThenAsync(Task committed, Func<Task> after)
    {
        await committed.ConfigureAwait(false);
        await after().ConfigureAwait(false);
    }

    /// <summary>The id of an unfinished run with the same date, provider, model and prompt (a crashed run to resume),
    /// or null.</summary>
    public string? FindUnfinishedRun(RunStamp run)
    {
        lock (_readLock)
        {
            using var command = _reader.CreateCommand();
            command.CommandText = """
                SELECT run_id FROM runs WHERE run_date = $date AND provider = $provider AND model = $model
                AND prompt_sha256 = $prompt AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1
                """;
            command.Parameters.AddWithValue("$date", run.RunDate.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$provider", run.Provider);
            command.Parameters.AddWithValue("$model", run.Model);
            command.Parameters.AddWithValue("$prompt", run.PromptSha256);
            return command.ExecuteScalar() as string;
        }
    }

    /// <summary>Records that a run started (or resumed).</summary>
    public Task StartRunAsync(RunStamp run, DateTimeOffset at) => Enqueue(new PendingWrite(command =>
    {
        command.CommandText = "INSERT OR IGNORE INTO runs VALUES ($run, $date, $provider, $model, $prompt, $at, NULL)";
        command.Parameters.AddWithValue("$run", run.RunId);
        command.Parameters.AddWithValue("$date", run.RunDate.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$provider", run.Provider);
        command.Parameters.AddWithValue("$model", run.Model);
        command.Parameters.AddWithValue("$prompt", run.PromptSha256);
        command.Parameters.AddWithValue("$at", at.ToString("O", CultureInfo.InvariantCulture));
    }));

    /// <summary>Records that a run's tables and manifest are complete.</summary>
    public Task FinishRunAsync(string runId, DateTimeOffset at) => Enqueue(new PendingWrite(command =>
    {
        command.CommandText = "UPDATE runs SET finished_at = $at WHERE run_id = $run";
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$at", at.ToString("O", CultureInfo.InvariantCulture));
    }));

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _find.DisposeAsync().ConfigureAwait(false);
        await _insert.DisposeAsync().ConfigureAwait(false);
        await _reader.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private Task Enqueue(PendingWrite write)
    {
        if (!_writes.Writer.TryWrite(write))
        {
            throw new InvalidOperationException("the result store is closed");
        }

        return write.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>();
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < 512 && _writes.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            try
            {
                using (var transaction = _connection.BeginTransaction())
                {
                    _insert.Transaction = transaction;
                    foreach (var write in batch)
                    {
                        if (write.Answer is { } values)
                        {
                            for (var i = 0; i < values.Length; i++)
                            {
                                _insert.Parameters[i].Value = values[i];
                            }

                            _insert.ExecuteNonQuery();
                        }
                        else
                        {
                            using var command = _connection.CreateCommand();
                            command.Transaction = transaction;
                            write.Prepare!(command);
                            command.ExecuteNonQuery();
                        }
                    }

                    transaction.Commit();
                }

                batch.ForEach(w => w.Done.TrySetResult());
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                // Named as an output failure: the run stops its calls (exit 8) rather than pay for answers it cannot
                // keep.
                batch.ForEach(w => w.Done.TrySetException(new OutputWriteException(_path, ex)));
            }
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A queued write: an answer's column values for the prepared insert, or a statement to prepare.</summary>
    private sealed record PendingWrite(Action<SqliteCommand>? Prepare, object[]? Answer = null)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

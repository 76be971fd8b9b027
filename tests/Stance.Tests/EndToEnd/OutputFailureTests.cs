using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>The job as a child process whose output cannot be written: it must stop, not hang, and lose nothing
/// paid.</summary>
public sealed class OutputFailureTests : JobTestBase
{
    private const int Paragraphs = 200;

    [Fact]
    public async Task AWriterThatCannotWriteStopsTheRunPromptlyAndKeepsEveryPaidAnswerInTheJournal()
    {
        Corpus.Write(Input, Paragraphs, perDocument: 10);
        var delivered = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        Server.Responder = request =>
        {
            var paragraph = request.Paragraph;
            return Reply.Answer(request.DefaultAnswer()) with
            {
                Delay = TimeSpan.FromMilliseconds(5),
                OnDelivered = () => delivered.AddOrUpdate(paragraph, 1, (_, n) => n + 1),
            };
        };

        // A real I/O failure: the paragraphs table's folder is a file, so its partition folder cannot be created.
        Directory.CreateDirectory(Output);
        var blocker = Path.Combine(Output, "paragraphs");
        File.WriteAllText(blocker, "not a folder");
        var journal = Path.Combine(Folder.Path, "journal.db");

        var (exitCode, log) = await StanceProcess.RunAsync(Args(journal), TimeSpan.FromMinutes(2));

        Assert.True(exitCode == ExitCodes.OutputFailed, $"exit code {exitCode}\n{log}");
        Assert.Contains(blocker, log, StringComparison.Ordinal);
        Assert.Contains("Writing the tables failed", log, StringComparison.Ordinal);
        // The writer fails at its first part (RowsPerPart = 10 rows). Besides those, at most the rows waiting in the
        // channel (2 x concurrency), the answers waiting for their journal commit and the calls in flight (concurrency
        // each) were asked: no call starts after the failure.
        const int bound = 10 + (2 * 4) + 4 + 4;
        Assert.True(
            Server.Requests.Count <= bound,
            $"{Server.Requests.Count} requests: the run went on calling after its writer failed");
        Assert.Empty(Directory.GetFiles(Output, "*.parquet", SearchOption.AllDirectories));
        Assert.False(
            Directory.Exists(Path.Combine(Output, "runs")), "a manifest was written for a run whose tables were not");
        var journaled = JournaledAnswers(journal);
        Assert.Equal(delivered.Count, journaled);
        Assert.All(delivered, d => Assert.Equal(1, d.Value));

        // Once the output is writable again, the next run pays only for what the journal does not hold.
        File.Delete(blocker);
        var before = Server.Requests.Count;
        var (again, againLog) = await StanceProcess.RunAsync(Args(journal), TimeSpan.FromMinutes(2));

        Assert.True(again == ExitCodes.Ok, againLog);
        Assert.Equal(Paragraphs - journaled, Server.Requests.Count - before);
        Assert.All(delivered, d => Assert.Equal(1, d.Value));
        Assert.Equal(Paragraphs, delivered.Count);
        var rows = DuckDb.Query($"SELECT count(DISTINCT paragraph_id) AS n FROM {DuckDb.Table(Output, "paragraphs")}");
        Assert.Equal((long)Paragraphs, rows[0]["n"]);
    }

    private string[] Args(string journal) =>
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts,
        "--provider", "openai", "--endpoint", Server.Endpoint,
        "--model", "writer-model", "--Stance:Llm:ApiKey=k", "--concurrency", "4", "--Stance:RowsPerPart=10",
        "--Stance:Journal=" + journal,
    ];

    private static int JournaledAnswers(string journal)
    {
        using var connection = new SqliteConnection($"Data Source={journal};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM answers";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}

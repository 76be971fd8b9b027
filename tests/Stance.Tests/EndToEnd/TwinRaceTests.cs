using System.Collections.Concurrent;
using System.Globalization;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>Identical documents scored at high concurrency: a text asked once is never paid for again in the
/// run.</summary>
public sealed class TwinRaceTests : JobTestBase
{
    private const int Documents = 300;
    private const int ParagraphsPerDocument = 8;
    private const int Rounds = 4;

    [Fact]
    public async Task EveryDistinctRequestIsPaidExactlyOnceWhenManyDocumentsShareTheirParagraphs()
    {
        // Every document is the same text under another file name, so paragraph k of each asks the same request
        // (same text, title and previous paragraph): 8 distinct requests in 2,400 paragraphs.
        var body = "The shared commentary\n\n" + string.Join(
            "\n\n",
            Enumerable.Range(0, ParagraphsPerDocument)
                .Select(k => string.Create(
                    CultureInfo.InvariantCulture,
                    $"Shared point {k}: Azerbaijan and Armenia should sign the peace treaty.")));
        for (var d = 0; d < Documents; d++)
        {
            File.WriteAllText(Path.Combine(Input, $"copy-{d:D3}.txt"), body);
        }

        for (var round = 0; round < Rounds; round++)
        {
            var paid = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var draw = 0;
            Server.Responder = request =>
            {
                var paragraph = request.Paragraph;
                // Small latencies, different per request (1-4 ms), fixed by the request's order: no process-random
                // hash.
                var delay = TimeSpan.FromMilliseconds(
                    1 + (Corpus.Chance(paragraph, Interlocked.Increment(ref draw)) * 3));
                return Reply.Answer(request.DefaultAnswer()) with
                {
                    Delay = delay,
                    OnDelivered = () => paid.AddOrUpdate(paragraph, 1, (_, n) => n + 1),
                };
            };
            var output = Path.Combine(Folder.Path, $"out-{round}");

            var run = await StanceRunner.RunAsync(
            [
                "--input", Input, "--output", output, "--prompts", RepoPaths.Prompts, "--provider", "openai",
                "--endpoint", Server.Endpoint, "--model", "twin-model", "--Stance:Llm:ApiKey=k", "--concurrency", "32",
            ]);

            Assert.True(run.ExitCode == ExitCodes.Ok, $"round {round}: exit code {run.ExitCode}\n{run.LogText}");
            Assert.Equal(ParagraphsPerDocument, paid.Count);
            Assert.All(paid, p => Assert.True(p.Value == 1, $"round {round}: '{p.Key}' was paid {p.Value} times"));
            var rows = DuckDb.Query(
                "SELECT count(*) AS n, count(DISTINCT paragraph_id) AS ids, " +
                "count(*) FILTER (WHERE status = 'ok') AS ok " +
                $"FROM {DuckDb.Table(output, "paragraphs")}");
            Assert.Equal((long)(Documents * ParagraphsPerDocument), rows[0]["n"]);
            Assert.Equal((long)(Documents * ParagraphsPerDocument), rows[0]["ids"]);
            Assert.Equal((long)(Documents * ParagraphsPerDocument), rows[0]["ok"]);
        }
    }
}

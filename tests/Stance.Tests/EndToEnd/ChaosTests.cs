using System.Collections.Concurrent;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.EndToEnd;

/// <summary>A thousand paragraphs against a server that injects faults of every retryable kind into over 30 % of
/// requests.</summary>
public sealed class ChaosTests
{
    private static readonly string[] s_faults =
    [
        "429", "429-reset", "500", "502", "503", "504", "408", "drop", "malformed-body", "hang",
        "cut-off", "prose", "fenced", "bad-json", "label-vs-score", "unknown-label", "evidence",
    ];

    [Fact]
    public async Task EveryParagraphEndsInExactlyOneRowAndNoneIsPaidForTwice()
    {
        await using var server = await OpenAiTestServer.StartAsync();
        using var folder = new TempFolder();
        var input = Path.Combine(folder.Path, "in");
        var output = Path.Combine(folder.Path, "out");
        var texts = Corpus.Write(input, 1000, perDocument: 20);
        var requestsPerParagraph = new ConcurrentDictionary<string, int>();
        var validAnswers = new ConcurrentDictionary<string, int>();
        var injected = new ConcurrentDictionary<string, int>();
        var history = new ConcurrentDictionary<string, ConcurrentQueue<string>>();
        server.Responder = request =>
        {
            var paragraph = request.Paragraph;
            var nth = requestsPerParagraph.AddOrUpdate(paragraph, 1, (_, n) => n + 1);
            var roll = Corpus.Chance(paragraph, nth);
            history.GetOrAdd(paragraph, _ => new())
                .Enqueue(roll >= 0.35 ? "answer" : s_faults[(int)(roll / 0.35 * s_faults.Length)]);
            if (roll >= 0.35)
            {
                return Reply.Answer(request.DefaultAnswer()) with
                {
                    OnDelivered = () => validAnswers.AddOrUpdate(paragraph, 1, (_, n) => n + 1),
                };
            }

            var fault = s_faults[(int)(roll / 0.35 * s_faults.Length)];
            injected.AddOrUpdate(fault, 1, (_, n) => n + 1);
            return Inject(fault, request);
        };

        var run = await StanceRunner.RunAsync(
        [
            "--input", input, "--output", output, "--prompts", RepoPaths.Prompts,
            "--provider", "openai", "--endpoint", server.Endpoint,
            "--model", "chaos-model", "--concurrency", "32", "--Stance:Llm:ApiKey=k",
            "--Stance:Resilience:BaseDelay=00:00:00.002", "--Stance:Resilience:MaxDelay=00:00:00.020",
            "--Stance:Resilience:AttemptTimeout=00:00:02", "--Stance:Resilience:MaxRetries=8",
        ]);

        var total = requestsPerParagraph.Values.Sum();
        var faults = injected.Values.Sum();
        Assert.True(faults >= 0.30 * total, $"only {faults} of {total} requests had a fault");
        Assert.Equal(s_faults.Length, injected.Count);

        var rows = DuckDb.Query(
            $"SELECT paragraph_id, text, status, attempts FROM {DuckDb.Table(output, "paragraphs")}");
        Assert.Equal(1000, rows.Count);
        Assert.Equal(1000, rows.Select(r => r["paragraph_id"]).Distinct().Count());
        Assert.Equal(texts.ToHashSet(), rows.Select(r => (string)r["text"]!).ToHashSet());
        var ok = rows.Count(r => (string)r["status"]! == "ok");
        Assert.True(ok >= 995, $"{ok} of 1000 ok\n{run.LogText[..Math.Min(4000, run.LogText.Length)]}");
        var twice = validAnswers.Where(p => p.Value > 1).Select(p => string.Join(",", history[p.Key])).ToList();
        var rejectedOrTimedOut = run.Log
            .Where(l => l.Contains("rejected", StringComparison.Ordinal)
                || l.Contains("timed out", StringComparison.Ordinal))
            .Take(30);
        Assert.True(
            twice.Count == 0,
            $"{twice.Count} paragraphs received two successful answers: {string.Join(" | ", twice.Take(5))}\n" +
            $"{string.Join("\n", rejectedOrTimedOut)}");
        // A request on a pooled connection the server had just dropped fails before the server sees it: the client
        // counts it as an attempt, the server does not.
        var attempts = rows.ToDictionary(r => (string)r["text"]!, r => (int)r["attempts"]!);
        Assert.All(requestsPerParagraph, p => Assert.InRange(attempts[p.Key], p.Value, p.Value + 2));
        Assert.Equal(ok == 1000 ? ExitCodes.Ok : ExitCodes.CompletedWithFailures, run.ExitCode);
    }

    private static Reply Inject(string fault, RecordedRequest request) => fault switch
    {
        "429" => Reply.Status(429, ("retry-after-ms", "10")) with
        {
            Body = "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}",
        },
        "429-reset" => Reply.Status(
            429, ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "15ms")),
        "500" or "502" or "503" or "504" or "408" =>
            Reply.Status(int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture)),
        "drop" => Reply.Drop(),
        "malformed-body" => Reply.Malformed(),
        "hang" => Reply.Answer(request.DefaultAnswer()) with { Delay = TimeSpan.FromSeconds(20) },
        "cut-off" => Reply.Answer(request.DefaultAnswer()[..20], "length"),
        "prose" => Reply.Answer("Here is my analysis:\n" + request.DefaultAnswer() + "\nThanks."),
        "fenced" => Reply.Answer("```json\n" + request.DefaultAnswer() + "\n```"),
        "bad-json" => Reply.Answer("{\"sentiment_label\": \"negative\", \"sentiment_score\": -0.5,"),
        "label-vs-score" => Reply.Answer(request.DefaultAnswer().Replace(
            "\"sentiment_score\":", "\"sentiment_score\":9,\"x\":", StringComparison.Ordinal)),
        "unknown-label" => Reply.Answer(request.DefaultAnswer().Replace(
            "\"stance_label\":\"", "\"stance_label\":\"sceptical-", StringComparison.Ordinal)),
        _ => Reply.Answer(request.DefaultAnswer().Replace(
            "\"evidence\":\"", "\"evidence\":\"Invented words ", StringComparison.Ordinal)),
    };
}

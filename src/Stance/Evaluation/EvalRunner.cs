using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parquet.Serialization;
using Stance.Contract;
using Stance.Journal;
using Stance.Output;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Reporting;
using Stance.Scoring;

namespace Stance.Evaluation;

/// <summary><c>--eval gold.jsonl</c>: scores each gold item's text toward its target through the same prompt, provider,
/// validation and resilience path as a run, writes the predictions to Parquet and prints the stance metrics.</summary>
internal sealed partial class EvalRunner(
    IOptions<ScoringOptions> scoring,
    StancePrompt prompt,
    IParagraphScorer scorer,
    TimeProvider time,
    ILogger<EvalRunner> logger)
{
    /// <summary>Runs the evaluation, writing its predictions into <paramref name="dataset"/>'s <c>eval/</c> table;
    /// returns true when every gold item was read and scored.</summary>
    public async Task<bool> RunAsync(string goldPath, IDataset dataset, CancellationToken cancellationToken)
    {
        await scorer.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var (items, problems) = ReadGold(goldPath);
        foreach (var problem in problems)
        {
            LogBadLine(logger, problem);
        }

        var now = time.GetUtcNow();
        var runId = $"{now:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}"[..25];
        var predictions = new EvalRow[items.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions
            {
                MaxDegreeOfParallelism = scoring.Value.Concurrency,
                CancellationToken = cancellationToken,
            },
            async (i, ct) =>
            {
                var item = items[i];
                var paragraph = new Paragraph(
                    "eval",
                    null,
                    Path.GetFileName(goldPath),
                    i,
                    item.Id!,
                    ParagraphSplitter.Sha256Hex(item.Text),
                    item.Text,
                    null,
                    item.Target);
                ScoreOutcome outcome;
                try
                {
                    outcome = await scorer.ScoreAsync(paragraph, ct).ConfigureAwait(false);
                }
                catch (RunAbortedException ex)
                {
                    outcome = ScoreOutcome.Failed(ex.Kind, ex.Message, 0, null, null, 0);
                }

                predictions[i] = Predict(runId, DateOnly.FromDateTime(now.UtcDateTime), item, outcome);
            }).ConfigureAwait(false);

        // An evaluation owns its date's eval/ partition (unlike the run tables, which replace by document): a glob
        // over eval/ sees one evaluation per date. Committed like the run tables: the earlier parts go, then this one
        // appears whole.
        var run = new RunStamp(
            runId, DateOnly.FromDateTime(now.UtcDateTime), scorer.Provider, scorer.Model, prompt.Name, prompt.Sha256);
        var part = $"eval/run_date={now:yyyy-MM-dd}/part-{runId}-00000.parquet";
        var earlier = await dataset.CommittedPartsAsync("eval", run, cancellationToken).ConfigureAwait(false);
        var staged = await dataset.StageAsync(
            part,
            (stream, ct) => ParquetSerializer.SerializeAsync(
                predictions,
                stream,
                null,
                new Dictionary<string, string>
                {
                    ["run_id"] = runId,
                    ["prompt_sha256"] = prompt.Sha256,
                    ["model"] = scorer.Model,
                    ["provider"] = scorer.Provider,
                    ["stance_schema_version"] = ParquetOutput.SchemaVersion,
                },
                ct),
            cancellationToken).ConfigureAwait(false);
        await dataset.CommitAsync(run, [staged], earlier, cancellationToken).ConfigureAwait(false);
        var path = $"{dataset.Location}/{part}";

        Print(Console.Out, goldPath, predictions, path);
        var scores = EvalScores.Compute([.. predictions.Select(p => (p.GoldLabel, p.PredictedLabel))]);
        LogDone(logger, predictions.Length, scores.FAvg, scores.MacroF1, scores.Accuracy, path);
        return problems.Count == 0 && predictions.All(p => p.Status == "ok");
    }

    /// <summary>The predicted label for the gold target: the answer's label toward it, neutral and unmentioned as
    /// none.</summary>
    internal EvalRow Predict(string runId, DateOnly runDate, GoldItem item, ScoreOutcome outcome)
    {
        var target = prompt.Targets.Canonicalize(item.Target).Name;
        var stance = outcome.Answer?.Targets.FirstOrDefault(t =>
            t.Target == target ||
            string.Equals(t.Target, item.Target.Trim(), StringComparison.OrdinalIgnoreCase));
        return new EvalRow
        {
            RunId = runId,
            RunDate = runDate,
            Id = item.Id!,
            Target = item.Target,
            Text = item.Text,
            GoldLabel = item.Label,
            PredictedLabel = stance?.StanceLabel is "favor" or "against" ? stance.StanceLabel : "none",
            StanceScore = stance?.StanceScore,
            Confidence = stance?.Confidence,
            Status = outcome.Status.ToString().ToLowerInvariant(),
            Error = outcome.Error,
            Provider = scorer.Provider,
            Model = scorer.Model,
            PromptSha256 = prompt.Sha256,
        };
    }

    /// <summary>Prints the report: F_avg, macro-F1, accuracy, the confusion matrix and per-target figures (tables
    /// with borders on a terminal, plain columns in logs and pipes).</summary>
    internal static void Print(
        TextWriter console,
        string goldPath,
        IReadOnlyList<EvalRow> predictions,
        string parquetPath)
    {
        var inv = CultureInfo.InvariantCulture;
        var all = EvalScores.Compute([.. predictions.Select(p => (p.GoldLabel, p.PredictedLabel))]);
        console.WriteLine(string.Create(
            inv,
            $"Evaluation of {goldPath}: {all.Count} items; predictions in {parquetPath}"));
        console.WriteLine(string.Create(inv, $"F_avg: {all.FAvg:F4}   (mean of F1 favor {all.Classes["favor"].F1:F4} "
            + $"and F1 against {all.Classes["against"].F1:F4}; SemEval-2016)"));
        console.WriteLine(string.Create(inv, $"macro-F1: {all.MacroF1:F4}   accuracy: {all.Accuracy:F4}"));
        console.WriteLine("confusion (rows gold, columns predicted):");
        var confusion = ConsoleTable.Create("gold", "favor", "against", "none");
        for (var g = 0; g < 3; g++)
        {
            confusion.AddCells(EvalScores.Labels[g], Number(all.Confusion[g, 0]), Number(all.Confusion[g, 1]),
                Number(all.Confusion[g, 2]));
        }

        ConsoleTable.Write(confusion, console);
        var targets = ConsoleTable.Create("target", "n", "F_avg", "macro-F1", "accuracy");
        foreach (var group in predictions.GroupBy(p => p.Target).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var s = EvalScores.Compute([.. group.Select(p => (p.GoldLabel, p.PredictedLabel))]);
            targets.AddCells(group.Key, Number(s.Count), Fixed(s.FAvg), Fixed(s.MacroF1), Fixed(s.Accuracy));
        }

        ConsoleTable.Write(targets, console);

        static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
        static string Fixed(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the gold file: one object a line, <c>id, target, text, label</c> (favor | against |
    /// none).</summary>
    internal static (List<GoldItem> Items, List<string> Problems) ReadGold(string path)
    {
        var items = new List<GoldItem>();
        var problems = new List<string>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(lines[i]);
                var root = json.RootElement;
                string? Field(string name) =>
                    root.ValueKind == JsonValueKind.Object &&
                    root.TryGetProperty(name, out var value) &&
                    value.ValueKind is JsonValueKind.String or JsonValueKind.Number
                        ? (value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText())
                        : null;
                var label = Field("label")?.Trim().ToLowerInvariant();
                var (target, text) = (Field("target"), Field("text"));
                if (string.IsNullOrWhiteSpace(text) ||
                    string.IsNullOrWhiteSpace(target) ||
                    label is not ("favor" or "against" or "none"))
                {
                    problems.Add($"{path}#{i + 1}: needs text, target and a label favor | against | none");
                    continue;
                }

                items.Add(new GoldItem(Field("id") ?? $"{Path.GetFileName(path)}#{i + 1}", target, text, label));
            }
            catch (JsonException ex)
            {
                problems.Add($"{path}#{i + 1}: not JSON ({ex.Message})");
            }
        }

        return (items, problems);
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Gold line skipped: {Problem}")]
    private static partial void LogBadLine(ILogger logger, string problem);

    [LoggerMessage(
        EventId = 71,
        Level = LogLevel.Information,
        Message = "Evaluation done: {Count} items, F_avg {FAvg:F4}, macro-F1 {MacroF1:F4}, accuracy {Accuracy:F4}; " +
            "predictions in {Path}")]
    private static partial void LogDone(
        ILogger logger,
        int count,
        double fAvg,
        double macroF1,
        double accuracy,
        string path);
}

using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Parquet.Serialization;
using Stance.Contract;
using Stance.Evaluation.Comparison;
using Stance.Journal;
using Stance.Output;
using Stance.Paragraphs;
using Stance.Prompts;
using Stance.Reporting;
using Stance.Scoring;

namespace Stance.Evaluation;

/// <summary><c>--eval gold.jsonl</c>: scores each gold item's text toward its target through the same prompt, provider,
/// validation, resilience path and answer cache as a run, writes the predictions to Parquet and prints the stance
/// metrics. With <c>--compare</c> it does so for a second prompt folder too and compares the two.</summary>
internal sealed partial class EvalRunner(
    IOptions<ScoringOptions> scoring,
    IOptions<JournalOptions> journal,
    IOptions<EvalOptions> evaluation,
    StancePrompt prompt,
    IParagraphScorer scorer,
    PromptScorers scorers,
    TimeProvider time,
    ILogger<EvalRunner> logger)
{
    /// <summary>Runs the evaluation, writing its predictions into <paramref name="dataset"/>'s <c>eval/</c> table;
    /// answers already in <paramref name="store"/> are reused and new ones recorded there. Returns true when every
    /// gold item was read and scored.</summary>
    public async Task<bool> RunAsync(
        string goldPath,
        IDataset dataset,
        ResultStore? store,
        CancellationToken cancellationToken)
    {
        var (items, problems, now, runId) = Start(goldPath);
        var stamp = new EvalStamp(runId, now, null);
        var predictions = await PredictAsync(goldPath, items, prompt, scorer, stamp, store, cancellationToken)
            .ConfigureAwait(false);
        var repeats = await RepeatAsync(goldPath, items, stamp, cancellationToken).ConfigureAwait(false);
        var path = await WriteAsync(
            dataset, runId, now, [.. predictions, .. repeats.SelectMany(r => r)], cancellationToken)
            .ConfigureAwait(false);

        Print(Console.Out, goldPath, predictions, path);
        var trust = new EvalTrust(evaluation.Value).Measure([("", predictions)], repeats);
        EvalTrust.Print(Console.Out, trust);
        var page = $"runs/run_date={now:yyyy-MM-dd}/eval-{runId}.html";
        await dataset.WriteTextAsync(page, EvalTrust.Page(goldPath, trust), cancellationToken)
            .ConfigureAwait(false);
        Console.Out.WriteLine($"calibration page: {dataset.Location}/{page}");
        var scores = EvalScores.Compute([.. predictions.Select(p => (p.GoldLabel, p.PredictedLabel))]);
        LogDone(logger, predictions.Length, scores.FAvg, scores.MacroF1, scores.Accuracy, path);
        return problems.Count == 0 && predictions.All(p => p.Status == "ok");
    }

    /// <summary>Scores the gold file with the configured prompt (A) and <paramref name="other"/> (B) through the same
    /// provider, validation and cache; writes both sides' predictions (one comparison id) and the comparison page,
    /// and prints the comparison. Returns true when every gold item was read and scored by both.</summary>
    public async Task<bool> CompareAsync(
        string goldPath,
        StancePrompt other,
        string otherFolder,
        string folder,
        IDataset dataset,
        ResultStore? store,
        CancellationToken cancellationToken)
    {
        var (items, problems, now, runId) = Start(goldPath);
        var comparisonId = $"{runId[..16]}-{prompt.Sha256[..8]}-{other.Sha256[..8]}";
        var stamp = new EvalStamp(runId, now, comparisonId);
        var a = await PredictAsync(goldPath, items, prompt, scorer, stamp, store, cancellationToken)
            .ConfigureAwait(false);
        var b = await PredictAsync(goldPath, items, other, scorers.For(other), stamp, store, cancellationToken)
            .ConfigureAwait(false);
        var repeats = await RepeatAsync(goldPath, items, stamp, cancellationToken).ConfigureAwait(false);
        var path = await WriteAsync(
            dataset, runId, now, [.. a, .. b, .. repeats.SelectMany(r => r)], cancellationToken)
            .ConfigureAwait(false);

        var comparison = PromptComparison.Compute(
            comparisonId,
            goldPath,
            new ComparedPrompt(prompt.Name, folder, prompt.Sha256),
            new ComparedPrompt(other.Name, otherFolder, other.Sha256),
            [.. items.Select((item, i) => new ComparedItem(
                item.Id!, item.Target, item.Text, item.Label, a[i].PredictedLabel, b[i].PredictedLabel))]);
        var page = ComparisonPage.PathFor($"runs/run_date={now:yyyy-MM-dd}", comparisonId);
        var pagePath = $"{dataset.Location}/{page}";
        ComparisonConsole.Print(Console.Out, comparison, path, pagePath);
        var trust = new EvalTrust(evaluation.Value).Measure([("A", a), ("B", b)], repeats);
        EvalTrust.Print(Console.Out, trust);
        await dataset.WriteTextAsync(
            page, ComparisonPage.Render(comparison, EvalTrust.ComparisonSection(goldPath, trust)), cancellationToken)
            .ConfigureAwait(false);
        var delta = comparison.Deltas[0].Delta;
        LogCompared(logger, items.Count, comparison.ScoresA.FAvg, comparison.ScoresB.FAvg, delta.Value, delta.Low,
            delta.High, comparison.McNemar.PValue, pagePath);
        return problems.Count == 0 && a.Concat(b).All(p => p.Status == "ok");
    }

    /// <summary>Reads the gold file (logging each skipped line) and names the evaluation: its time and run
    /// id.</summary>
    private (List<GoldItem> Items, List<string> Problems, DateTimeOffset Now, string RunId) Start(string goldPath)
    {
        var (items, problems) = ReadGold(goldPath);
        foreach (var problem in problems)
        {
            LogBadLine(logger, problem);
        }

        var now = time.GetUtcNow();
        return (items, problems, now, $"{now:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}"[..25]);
    }

    /// <summary>Scores the gold items <see cref="EvalOptions.Repeat"/> more times with the configured prompt (at
    /// <see cref="EvalOptions.RepeatTemperature"/> when set), bypassing the cache: each repeat is a new answer, not
    /// journaled (it would replace the cached answer the evaluation reads).</summary>
    private async Task<List<EvalRow[]>> RepeatAsync(
        string goldPath,
        List<GoldItem> items,
        EvalStamp stamp,
        CancellationToken cancellationToken)
    {
        var repeats = new List<EvalRow[]>();
        if (evaluation.Value.Repeat == 0)
        {
            return repeats;
        }

        var asked = evaluation.Value.RepeatTemperature is { } temperature
            ? WithTemperature(prompt, temperature)
            : prompt;
        var with = asked == prompt ? scorer : scorers.For(asked);
        for (var r = 1; r <= evaluation.Value.Repeat; r++)
        {
            var repeat = stamp with { Repeat = r };
            repeats.Add(await PredictAsync(goldPath, items, asked, with, repeat, null, cancellationToken)
                .ConfigureAwait(false));
        }

        return repeats;
    }

    /// <summary><paramref name="prompt"/> with its default execution settings' temperature replaced (the same
    /// files, so the same prompt_sha256: the rows say which repeat they are).</summary>
    private static StancePrompt WithTemperature(StancePrompt prompt, double temperature)
    {
        var source = prompt.Config;
        var config = new PromptTemplateConfig(source.Template)
        {
            Name = source.Name,
            Description = source.Description,
            TemplateFormat = source.TemplateFormat,
            InputVariables = source.InputVariables,
            OutputVariable = source.OutputVariable,
        };
        foreach (var (key, settings) in source.ExecutionSettings)
        {
            var data = new Dictionary<string, object>(settings.ExtensionData ?? new Dictionary<string, object>());
            if (key == PromptExecutionSettings.DefaultServiceId)
            {
                data["temperature"] = temperature;
            }

            config.ExecutionSettings[key] = new PromptExecutionSettings
            {
                ServiceId = settings.ServiceId,
                ModelId = settings.ModelId,
                ExtensionData = data,
            };
        }

        return prompt with { Config = config };
    }

    /// <summary>Scores every item with <paramref name="with"/> (prompt <paramref name="asked"/>), reusing the
    /// journal's answers for the same request and recording each new ok answer before it counts (a repeat, with no
    /// <paramref name="store"/>, does neither).</summary>
    private async Task<EvalRow[]> PredictAsync(
        string goldPath,
        List<GoldItem> items,
        StancePrompt asked,
        IParagraphScorer with,
        EvalStamp stamp,
        ResultStore? store,
        CancellationToken cancellationToken)
    {
        await with.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var runStamp = new RunStamp(
            stamp.RunId, DateOnly.FromDateTime(stamp.At.UtcDateTime), with.Provider, with.Model, asked.Name,
            asked.Sha256);
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
                var key = RequestKey.For(paragraph, asked.Sha256, with.Provider, with.Model);
                ScoreOutcome outcome;
                if (with.IsMetered && journal.Value.Cache && store?.Find(key) is { } stored)
                {
                    outcome = ScoreOutcome.Ok(stored.Answer, 0, null, null, 0) with { FromCache = true };
                }
                else
                {
                    try
                    {
                        outcome = await with.ScoreAsync(paragraph, ct).ConfigureAwait(false);
                    }
                    catch (RunAbortedException ex)
                    {
                        outcome = ScoreOutcome.Failed(ex.Kind, ex.Message, 0, null, null, 0);
                    }

                    if (with.IsMetered && store is not null && outcome.Status == ParagraphStatus.Ok)
                    {
                        await store.RecordAsync(key, paragraph.TextSha256, runStamp, outcome, time.GetUtcNow())
                            .ConfigureAwait(false);
                    }
                }

                predictions[i] = Predict(asked, with, stamp, item, outcome);
            }).ConfigureAwait(false);
        return predictions;
    }

    /// <summary>Commits <paramref name="predictions"/> as the date's <c>eval/</c> partition and returns the part's
    /// location. An evaluation owns its date's partition (unlike the run tables, which replace by document): a glob
    /// over eval/ sees one evaluation (or comparison) per date. Committed like the run tables: the earlier parts go,
    /// then this one appears whole.</summary>
    private async Task<string> WriteAsync(
        IDataset dataset,
        string runId,
        DateTimeOffset now,
        EvalRow[] predictions,
        CancellationToken cancellationToken)
    {
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
                    ["prompt_sha256"] = string.Join(",", predictions.Select(p => p.PromptSha256).Distinct()),
                    ["model"] = scorer.Model,
                    ["provider"] = scorer.Provider,
                    ["stance_schema_version"] = ParquetOutput.SchemaVersion,
                },
                ct),
            cancellationToken).ConfigureAwait(false);
        await dataset.CommitAsync(run, [staged], earlier, cancellationToken).ConfigureAwait(false);
        return $"{dataset.Location}/{part}";
    }

    /// <summary>The predicted label for the gold target: the answer's label toward it, neutral and unmentioned as
    /// none.</summary>
    private static EvalRow Predict(
        StancePrompt asked,
        IParagraphScorer with,
        EvalStamp stamp,
        GoldItem item,
        ScoreOutcome outcome)
    {
        var target = asked.Targets.Canonicalize(item.Target).Name;
        var stance = outcome.Answer?.Targets.FirstOrDefault(t =>
            t.Target == target ||
            string.Equals(t.Target, item.Target.Trim(), StringComparison.OrdinalIgnoreCase));
        return new EvalRow
        {
            RunId = stamp.RunId,
            RunDate = DateOnly.FromDateTime(stamp.At.UtcDateTime),
            Id = item.Id!,
            Target = item.Target,
            Text = item.Text,
            GoldLabel = item.Label,
            PredictedLabel = stance?.StanceLabel is "favor" or "against" ? stance.StanceLabel : "none",
            StanceScore = stance?.StanceScore,
            Confidence = stance?.Confidence,
            LabelProbability = stance?.LabelProbability,
            Status = outcome.Status.ToString().ToLowerInvariant(),
            Error = outcome.Error,
            Provider = with.Provider,
            Model = with.Model,
            PromptSha256 = asked.Sha256,
            Prompt = asked.Name,
            ComparisonId = stamp.ComparisonId,
            FromCache = outcome.FromCache,
            Repeat = stamp.Repeat,
        };
    }

    /// <summary>When and as what an evaluation's rows are written.</summary>
    private sealed record EvalStamp(string RunId, DateTimeOffset At, string? ComparisonId, int Repeat = 0);

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

    [LoggerMessage(
        EventId = 72,
        Level = LogLevel.Information,
        Message = "Comparison done: {Count} items, F_avg A {FAvgA:F4}, B {FAvgB:F4}, B - A {Delta:F4} " +
            "(95 % CI {Low:F4} to {High:F4}), McNemar exact p {PValue:F4}; page {Page}")]
    private static partial void LogCompared(
        ILogger logger,
        int count,
        double fAvgA,
        double fAvgB,
        double delta,
        double low,
        double high,
        double pValue,
        string page);
}

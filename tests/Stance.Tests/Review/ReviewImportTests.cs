using System.Text.Json.Nodes;
using Stance.Evaluation;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Review;

/// <summary><c>--import-review</c> with an export in Label Studio's documented JSON export shape (tasks with
/// <c>data</c> and <c>annotations[].result[].value.choices</c>): the reviewed items go into the gold file, one per id,
/// the reviewer's label winning; a malformed export changes nothing.</summary>
public sealed class ReviewImportTests(ReviewDatasetFixture dataset) : IClassFixture<ReviewDatasetFixture>
{
    [Fact]
    public async Task TheReviewedItemsAreMergedIntoTheGoldFileByIdWithTheReviewersLabelWinning()
    {
        using var folder = new TempFolder();
        var tasks = await ExportedTasksAsync(folder);
        var (added, twice, cancelled, unannotated, known) = (tasks[0], tasks[1], tasks[2], tasks[3], tasks[4]);
        var bundled = File.ReadLines(Path.Combine(RepoPaths.Data, "gold", "stance-gold.jsonl")).First();
        var gold = folder.File("gold.jsonl", bundled + "\n" + new JsonObject
        {
            ["id"] = Id(known),
            ["target"] = (string)known["data"]!["target"]!,
            ["text"] = (string)known["data"]!["text"]!,
            ["label"] = "favor",
        }.ToJsonString() + "\n");
        Annotate(added, Annotation(1, "against", "2026-12-03T09:00:00Z"));
        // The most recent annotation that was not cancelled wins, wherever it is in the array.
        Annotate(
            twice,
            Annotation(2, "none", "2026-12-03T11:00:00Z"),
            Annotation(3, "favor", "2026-12-03T10:00:00Z"),
            Annotation(4, "against", "2026-12-03T12:00:00Z", cancelled: true));
        Annotate(cancelled, Annotation(5, "favor", "2026-12-03T09:30:00Z", cancelled: true));
        Annotate(unannotated);
        Annotate(known, Annotation(6, "against", "2026-12-03T09:45:00Z"));
        var export = folder.File("export.json", new JsonArray([.. tasks[..5].Select(t => t.DeepClone())])
            .ToJsonString());

        var run = await ImportAsync(export, "--gold", gold);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Console + run.Log);
        var (items, problems) = EvalRunner.ReadGold(gold);
        Assert.Empty(problems);
        Assert.Equal(items.Count, items.Select(i => i.Id).Distinct().Count());
        var labels = items.ToDictionary(i => i.Id!, i => i.Label);
        Assert.Equal(4, labels.Count);
        Assert.Equal("against", labels[Id(added)]);
        Assert.Equal("none", labels[Id(twice)]);
        Assert.Equal("against", labels[Id(known)]);
        Assert.False(labels.ContainsKey(Id(cancelled)));
        Assert.False(labels.ContainsKey(Id(unannotated)));
        Assert.Equal(bundled, File.ReadLines(gold).First());
        var item = items.Single(i => i.Id == Id(added));
        Assert.Equal((string)added["data"]!["text"]!, item.Text);
        Assert.Equal((string)added["data"]!["target"]!, item.Target);
        Assert.Contains("3 reviewed items: 2 added, 1 relabelled", run.Console);
        Assert.Contains("2 tasks without a usable annotation", run.Console);
        Assert.Contains($"gold file: {gold} (from Stance:Review:Gold (--gold))", run.Console);

        // Importing the same export again changes nothing.
        var before = File.ReadAllBytes(gold);
        Assert.Equal(ExitCodes.Ok, (await ImportAsync(export, "--gold", gold)).ExitCode);
        Assert.Equal(before, File.ReadAllBytes(gold));
    }

    [Fact]
    public async Task WithoutGoldTheEvalFileIsUsedElseTheOutputsReviewFolder()
    {
        using var folder = new TempFolder();
        var tasks = await ExportedTasksAsync(folder);
        Annotate(tasks[0], Annotation(1, "favor", "2026-12-03T09:00:00Z"));
        var export = folder.File("export.json", new JsonArray(tasks[0].DeepClone()).ToJsonString());
        var output = Path.Combine(folder.Path, "out");
        var eval = Path.Combine(folder.Path, "new-gold.jsonl");

        var byEval = await ImportAsync(export, "--eval", eval, "--output", output);
        var byDefault = await ImportAsync(export, "--output", output);

        Assert.True(byEval.ExitCode == ExitCodes.Ok, byEval.Console + byEval.Log);
        Assert.Contains("(from Stance:Eval (--eval))", byEval.Console);
        Assert.Single(EvalRunner.ReadGold(eval).Items);
        Assert.True(byDefault.ExitCode == ExitCodes.Ok, byDefault.Console + byDefault.Log);
        var fallback = Path.Combine(output, "review", "gold.jsonl");
        Assert.Contains($"gold file: {fallback} (from the default <output>/review/gold.jsonl)", byDefault.Console);
        Assert.Equal(Id(tasks[0]), Assert.Single(EvalRunner.ReadGold(fallback).Items).Id);
    }

    [Theory]
    [InlineData("not json", "is not JSON")]
    [InlineData("{\"data\": {}}", "must be an array of tasks")]
    [InlineData("[{\"annotations\": []}]", "task 1 has no \"data\" object")]
    [InlineData("[{\"data\": {\"text\": \"t\"}, \"annotations\": []}]", "data has no \"target\" string")]
    [InlineData("[{\"data\": {\"text\": \"t\", \"target\": \"x\", \"item_id\": \"p:x\"}, \"annotations\": {}}]",
        "\"annotations\" is not an array")]
    [InlineData("[{\"data\": {\"text\": \"t\", \"target\": \"x\", \"item_id\": \"p:x\"}, " +
        "\"annotations\": [{\"result\": [{\"from_name\": \"stance\", \"to_name\": \"text\", " +
        "\"type\": \"choices\", \"value\": {\"choices\": [\"maybe\"]}}]}]}]", "is not one of favor | against | none")]
    public async Task AMalformedExportIsRefusedAndLeavesTheGoldFileByteIdentical(string export, string problem)
    {
        using var folder = new TempFolder();
        var bundled = File.ReadAllText(Path.Combine(RepoPaths.Data, "gold", "stance-gold.jsonl"));
        var gold = folder.File("gold.jsonl", bundled);
        var before = File.ReadAllBytes(gold);

        var run = await ImportAsync(folder.File("export.json", export), "--gold", gold);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains(problem, run.Log);
        Assert.Equal(before, File.ReadAllBytes(gold));
        Assert.Empty(Directory.GetFiles(folder.Path, ".*.tmp"));
    }

    private async Task<JsonNode[]> ExportedTasksAsync(TempFolder folder)
    {
        var export = folder.File("review.json");
        var run = await StanceRunner.RunWithConsoleAsync([
            "--export-review", export, "--output", dataset.Output, "--prompts", RepoPaths.Prompts,
            "--Stance:Review:ConfidenceThreshold=0.45"]);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Console + run.Log);
        var tasks = ReviewExportTests.Tasks(export);
        Assert.True(tasks.Count >= 5);

        // What Label Studio adds on export: a task id, and the annotations beside the imported predictions.
        for (var i = 0; i < tasks.Count; i++)
        {
            tasks[i]["id"] = 100 + i;
        }

        return [.. tasks];
    }

    private Task<ConsoleRunResult> ImportAsync(string export, params string[] more) =>
        StanceRunner.RunWithConsoleAsync([
            "--import-review", export, "--output", dataset.Output, "--prompts", RepoPaths.Prompts, .. more]);

    private static string Id(JsonNode task) => (string)task["data"]!["item_id"]!;

    private static void Annotate(JsonNode task, params JsonObject[] annotations) =>
        task["annotations"] = new JsonArray([.. annotations]);

    // One annotation as Label Studio's JSON export writes it (docs: "Label Studio JSON format of annotated tasks").
    private static JsonObject Annotation(int id, string label, string updatedAt, bool cancelled = false) => new()
    {
        ["id"] = id,
        ["completed_by"] = 1,
        ["result"] = new JsonArray(new JsonObject
        {
            ["id"] = $"r{id}",
            ["from_name"] = "stance",
            ["to_name"] = "text",
            ["type"] = "choices",
            ["origin"] = "manual",
            ["value"] = new JsonObject { ["choices"] = new JsonArray(label) },
        }),
        ["was_cancelled"] = cancelled,
        ["ground_truth"] = false,
        ["created_at"] = "2026-12-03T08:00:00.000000Z",
        ["updated_at"] = updatedAt,
        ["lead_time"] = 4.2,
        ["task"] = 100,
    };
}

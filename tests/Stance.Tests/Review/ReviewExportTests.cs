using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Review;

/// <summary><c>--export-review</c> on a dataset the job wrote: the tasks are the rows below the threshold (checked
/// with DuckDB over the same Parquet) plus the seeded slice, in Label Studio's import format, with the labelling
/// config beside them.</summary>
public sealed class ReviewExportTests(ReviewDatasetFixture dataset) : IClassFixture<ReviewDatasetFixture>
{
    private const double Threshold = 0.45;
    private const double Share = 0.5;

    [Fact]
    public async Task TheExportHoldsExactlyTheRowsBelowTheThresholdAndTheSeededSliceOfTheRest()
    {
        using var folder = new TempFolder();
        var export = folder.File("review.json");

        var run = await ExportAsync(export, seed: 7);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Console + run.Log);
        var tasks = Tasks(export);
        var rows = DuckDb.Query($"""
            SELECT paragraph_id || ':' || target AS id, paragraph_id, target, confidence
            FROM {dataset.Targets} WHERE run_date = (SELECT max(run_date) FROM {dataset.Targets})
            ORDER BY paragraph_id, target
            """);
        var low = rows.Where(r => (double)r["confidence"]! < Threshold).Select(r => (string)r["id"]!).ToList();
        var rest = rows.Where(r => (double)r["confidence"]! >= Threshold).ToList();
        Assert.NotEmpty(low);
        Assert.NotEmpty(rest);
        Assert.Equal(low, Ids(tasks, "low_confidence"));

        // The documented slice: round(share × rest) rows with the smallest SHA-256(seed \n paragraph_id \n target).
        var expected = rest
            .OrderBy(r => Key(7, (string)r["paragraph_id"]!, (string)r["target"]!))
            .Take((int)Math.Round(Share * rest.Count, MidpointRounding.AwayFromZero))
            .Select(r => (string)r["id"]!)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Ids(tasks, "random").Order(StringComparer.Ordinal));
        Assert.Equal(low.Count + expected.Count, tasks.Count);
        Assert.Contains($"{low.Count} with confidence below {Threshold}, {expected.Count} random", run.Console);
        Assert.Contains($"{rows.Count} target rows", run.Console);
        Assert.Contains(export, run.Console);
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameFileAndAnotherSeedAnotherSlice()
    {
        using var folder = new TempFolder();
        var (first, again, other) = (folder.File("a.json"), folder.File("b.json"), folder.File("c.json"));

        Assert.Equal(ExitCodes.Ok, (await ExportAsync(first, seed: 7)).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await ExportAsync(again, seed: 7)).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await ExportAsync(other, seed: 8)).ExitCode);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(again));
        var (a, c) = (Tasks(first), Tasks(other));
        Assert.Equal(Ids(a, "low_confidence"), Ids(c, "low_confidence"));
        Assert.Equal(Ids(a, "random").Count, Ids(c, "random").Count);
        Assert.NotEqual(Ids(a, "random"), Ids(c, "random"));
    }

    [Fact]
    public async Task EachTaskHasLabelStudiosImportShapeWithTheModelsAnswerAsAPrediction()
    {
        using var folder = new TempFolder();
        var export = folder.File("review.json");

        Assert.Equal(ExitCodes.Ok, (await ExportAsync(export, seed: 7)).ExitCode);

        var joined = DuckDb.Query($"""
            SELECT t.paragraph_id || ':' || t.target AS id, p.text, p.document_title, t.stance_label, t.confidence,
                   t.provider, t.model, t.prompt_sha256, t.document_id
            FROM {dataset.Targets} t JOIN {dataset.Paragraphs} p USING (paragraph_id, run_date)
            """).ToDictionary(r => (string)r["id"]!);
        foreach (var task in Tasks(export))
        {
            var data = task["data"]!.AsObject();
            var row = joined[(string)data["item_id"]!];
            Assert.Equal(row["text"], (string)data["text"]!);
            Assert.Equal(row["document_title"] ?? row["document_id"], (string)data["title"]!);
            Assert.Equal(row["document_id"], (string)data["document_id"]!);
            Assert.Equal(((string)data["item_id"]!).Split(':', 2)[1], (string)data["target"]!);
            var prediction = Assert.Single(task["predictions"]!.AsArray())!;
            var sha = (string)row["prompt_sha256"]!;
            Assert.Equal($"{row["provider"]}/{row["model"]}/{sha[..12]}", (string)prediction["model_version"]!);
            Assert.Equal((double)row["confidence"]!, (double)prediction["score"]!);
            var result = Assert.Single(prediction["result"]!.AsArray())!;
            Assert.Equal("stance", (string)result["from_name"]!);
            Assert.Equal("text", (string)result["to_name"]!);
            Assert.Equal("choices", (string)result["type"]!);
            var choice = (string)Assert.Single(result["value"]!["choices"]!.AsArray())!;
            var label = (string)row["stance_label"]!;
            Assert.Equal(label == "neutral" ? "none" : label, choice);
        }
    }

    [Fact]
    public async Task TheLabellingConfigIsWrittenBesideTheExportAndIsTheRepoCopy()
    {
        using var folder = new TempFolder();
        var export = folder.File("review.json");

        Assert.Equal(ExitCodes.Ok, (await ExportAsync(export, seed: 7)).ExitCode);

        var written = export + ".label-config.xml";
        var repoCopy = Path.Combine(RepoPaths.Root, "deploy", "label-studio", "stance-review.xml");
        Assert.Equal(File.ReadAllBytes(repoCopy), File.ReadAllBytes(written));
        var view = XDocument.Load(written).Root!;
        Assert.Equal("View", view.Name.LocalName);
        var text = Assert.Single(view.Elements("Text"));
        Assert.Equal(("text", "$text"), ((string)text.Attribute("name")!, (string)text.Attribute("value")!));
        var choices = Assert.Single(view.Elements("Choices"));
        Assert.Equal("stance", (string)choices.Attribute("name")!);
        Assert.Equal("text", (string)choices.Attribute("toName")!);
        Assert.Equal("single", (string)choices.Attribute("choice")!);
        Assert.Equal(
            ["favor", "against", "none"], choices.Elements("Choice").Select(c => (string)c.Attribute("value")!));
        Assert.Equal(["$title", "$target"], view.Elements("Header").Select(h => (string)h.Attribute("value")!));
    }

    [Fact]
    public async Task UseProbabilityWithoutProbabilitiesSaysSoAndPicksByConfidence()
    {
        using var folder = new TempFolder();
        var (plain, probability) = (folder.File("plain.json"), folder.File("probability.json"));

        Assert.Equal(ExitCodes.Ok, (await ExportAsync(plain, seed: 7)).ExitCode);
        var run = await ExportAsync(probability, seed: 7, "--Stance:Review:UseProbability=true");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        // The lexicon writes the column (schema v4) with nulls only: it has no token probabilities.
        Assert.Contains("label_probability has only null values in the targets table", run.Log);
        Assert.Equal(File.ReadAllBytes(plain), File.ReadAllBytes(probability));
    }

    [Fact]
    public async Task ARunDateTheDatasetLacksIsAConfigurationError()
    {
        using var folder = new TempFolder();
        var export = folder.File("review.json");

        var run = await ExportAsync(export, seed: 7, "--Stance:Review:RunDate=1999-01-01");

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains("has no targets for run_date=1999-01-01", run.Log);
        Assert.False(File.Exists(export));
    }

    [Fact]
    public async Task AMissingDatasetIsAConfigurationError()
    {
        using var folder = new TempFolder();
        var export = folder.File("review.json");

        var run = await StanceRunner.RunWithConsoleAsync([
            "--export-review", export, "--output", Path.Combine(folder.Path, "nothing-here"), "--prompts",
            RepoPaths.Prompts]);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains("does not exist", run.Log);
        Assert.False(File.Exists(export));
    }

    [Theory]
    [InlineData("--Stance:Review:RandomShare=1.5", "Stance:Review:RandomShare")]
    [InlineData("--Stance:Review:ConfidenceThreshold=-0.1", "Stance:Review:ConfidenceThreshold")]
    [InlineData("--Stance:Review:RunDate=2026-02-30", "Stance:Review:RunDate")]
    public async Task AnOutOfRangeReviewSettingIsRefusedAtStart(string setting, string key)
    {
        using var folder = new TempFolder();

        var run = await ExportAsync(folder.File("review.json"), seed: 7, setting);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains(key, run.Log);
    }

    private Task<ConsoleRunResult> ExportAsync(string export, int seed, params string[] more) =>
        StanceRunner.RunWithConsoleAsync([
            "--export-review", export, "--output", dataset.Output, "--prompts", RepoPaths.Prompts,
            $"--Stance:Review:ConfidenceThreshold={Threshold.ToString(CultureInfo.InvariantCulture)}",
            $"--Stance:Review:RandomShare={Share.ToString(CultureInfo.InvariantCulture)}",
            $"--Stance:Review:Seed={seed}", .. more]);

    internal static List<JsonNode> Tasks(string export) =>
        [.. JsonNode.Parse(File.ReadAllText(export))!.AsArray().Select(t => t!)];

    private static List<string> Ids(List<JsonNode> tasks, string reason) =>
        [.. tasks.Where(t => (string)t["data"]!["reason"]! == reason).Select(t => (string)t["data"]!["item_id"]!)];

    private static ulong Key(int seed, string paragraphId, string target) =>
        BinaryPrimitives.ReadUInt64BigEndian(
            SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{paragraphId}\n{target}")));
}

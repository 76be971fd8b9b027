using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using Stance.Hosting;
using Xunit.Abstractions;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Stance.Tests.Architecture;

/// <summary>The folders of <c>src/Stance</c> depend one way (docs/architecture.md): each may use only the folders
/// listed for it below, so a new back-edge fails here, naming the types that make it.</summary>
public sealed class LayeringTests(ITestOutputHelper output)
{
    /// <summary>Each folder and the folders it may use, lowest layer first. Hosting (the composition root) may use
    /// every folder; nothing uses Hosting.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> MayUse = new Dictionary<string, string[]>
    {
        ["Storage"] = [],
        ["Documents"] = ["Storage"],
        ["Telemetry"] = [],
        ["Paragraphs"] = ["Documents"],
        ["Contract"] = [],
        ["Prompts"] = ["Contract", "Paragraphs"],
        ["Journal"] = ["Contract", "Paragraphs", "Storage"],
        ["Scoring"] = ["Contract", "Prompts", "Journal", "Paragraphs", "Documents", "Telemetry", "Storage"],
        ["Output"] = ["Scoring", "Journal", "Prompts", "Contract", "Paragraphs", "Documents", "Storage"],
        ["Reporting"] = ["Output", "Contract", "Paragraphs", "Journal"],
        ["Evaluation"] =
            ["Reporting", "Output", "Scoring", "Prompts", "Journal", "Contract", "Paragraphs", "Storage"],
        ["Sharding"] = ["Reporting", "Output", "Journal", "Paragraphs", "Documents", "Storage"],
        ["Review"] = ["Output", "Journal", "Storage"],
        ["Alerts"] = ["Reporting", "Output", "Prompts", "Journal", "Telemetry"],
        ["Hosting"] =
        [
            "Alerts", "Sharding", "Evaluation", "Reporting", "Output", "Scoring", "Journal", "Prompts", "Contract",
            "Telemetry", "Paragraphs", "Documents", "Storage", "Review",
        ],
    };

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> s_architecture =
        new(() => new ArchLoader().LoadAssemblies(typeof(StanceApp).Assembly).Build());

    [Fact]
    public void EveryFolderUsesOnlyTheFoldersBelowIt()
    {
        var edges = Edges();
        foreach (var edge in edges.Keys
            .OrderBy(e => e.From, StringComparer.Ordinal)
            .ThenBy(e => e.To, StringComparer.Ordinal))
        {
            output.WriteLine($"{edge.From} -> {edge.To}");
        }

        var backEdges = edges
            .Where(edge => !MayUse.TryGetValue(edge.Key.From, out var allowed) || !allowed.Contains(edge.Key.To))
            .Select(edge => $"{edge.Key.From} -> {edge.Key.To} ({string.Join(", ", edge.Value.Take(3))})")
            .ToList();

        Assert.True(backEdges.Count == 0, "Dependencies against the layering:\n" + string.Join('\n', backEdges));
    }

    [Fact]
    public void NothingOutsideTheCompositionRootUsesHosting()
    {
        var rule = Types().That().ResideInNamespaceMatching(@"^Stance\.(?!Hosting)")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^Stance\.Hosting(\.|$)");

        rule.Check(s_architecture.Value);
    }

    [Fact]
    public void TheLayeringItselfHasNoCycle()
    {
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();

        bool HasCycle(string folder)
        {
            if (done.Contains(folder))
            {
                return false;
            }

            if (!visiting.Add(folder))
            {
                return true;
            }

            var cycle = MayUse[folder].Any(HasCycle);
            done.Add(folder);
            return cycle;
        }

        Assert.DoesNotContain(MayUse.Keys, HasCycle);
    }

    [Fact]
    public void EveryFolderOfTheSourceIsInTheLayering()
    {
        var folders = Directory.GetDirectories(Path.Combine(Support.RepoPaths.Root, "src", "Stance"))
            .Select(Path.GetFileName)
            .Where(name => name is not ("obj" or "bin" or "Properties"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(MayUse.Keys.Order(StringComparer.Ordinal), folders);
    }

    /// <summary>The folder-to-folder dependencies of the built assembly, with example types for each.</summary>
    internal static Dictionary<(string From, string To), SortedSet<string>> Edges()
    {
        var edges = new Dictionary<(string From, string To), SortedSet<string>>();
        foreach (var type in s_architecture.Value.Types)
        {
            if (FolderOf(type) is not { } from)
            {
                continue;
            }

            foreach (var dependency in type.Dependencies)
            {
                if (FolderOf(dependency.Target) is { } to && to != from)
                {
                    var key = (from, to);
                    if (!edges.TryGetValue(key, out var examples))
                    {
                        edges[key] = examples = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    examples.Add($"{type.Name} uses {dependency.Target.Name}");
                }
            }
        }

        return edges;
    }

    private static string? FolderOf(IType type)
    {
        var parts = (type.Namespace?.FullName ?? string.Empty).Split('.');
        return parts is ["Stance", var folder, ..] ? folder : null;
    }
}

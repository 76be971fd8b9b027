using System.Globalization;
using Stance.Sharding;
using Stance.Tests.Support;

namespace Stance.Tests.Sharding;

/// <summary>The plan that splits a run's documents over its shards.</summary>
public sealed class ShardPlanTests
{
    // 1,000 documents of 1 to 60 paragraphs, drawn from a fixed sequence (the same in every process).
    private static Dictionary<string, int> Documents(int count = 1000) => Enumerable.Range(0, count).ToDictionary(
        i => $"doc-{i:D4}",
        i => 1 + (int)(Corpus.Chance("length", i) * Corpus.Chance("skew", i) * 60),
        StringComparer.Ordinal);

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void DocumentsOfVaryingLengthAreSpreadWithinOnePercentOfTheMeanParagraphCount(int shards)
    {
        var documents = Documents();

        var loads = ShardPlan.Assign(documents, shards).Loads(documents);

        var mean = documents.Values.Sum() / (double)shards;
        Assert.True(loads.Max() / mean - 1 < 0.01,
            $"loads {string.Join(", ", loads)} (mean {mean.ToString("F1", CultureInfo.InvariantCulture)})");
        Assert.Equal(documents.Values.Sum(), loads.Sum());
    }

    [Fact]
    public void ThePlanDependsOnlyOnTheDocumentsNotOnTheOrderTheyWereRead()
    {
        var documents = Documents(200);
        var reversed = documents.Reverse().ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);

        var first = ShardPlan.Assign(documents, 4).Assignment;
        var second = ShardPlan.Assign(reversed, 4).Assignment;

        Assert.Equal(first.OrderBy(a => a.Key, StringComparer.Ordinal),
            second.OrderBy(a => a.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void EveryDocumentHasExactlyOneShard()
    {
        var documents = Documents(300);
        var plan = ShardPlan.Assign(documents, 3);

        var owners = documents.Keys.Select(id => Enumerable.Range(0, 3).Count(k => plan.ShardOf(id) == k));

        Assert.All(owners, count => Assert.Equal(1, count));
        Assert.Equal(documents.Count, plan.Assignment.Count);
    }

    [Fact]
    public void AKeyThePlanDoesNotHoldGoesToTheShardOfAStableHash()
    {
        // FNV-1a of "notes/broken.md" is 1 modulo 4 and 2 modulo 7, in every process (a string's GetHashCode is not).
        Assert.Equal(1, ShardPlan.Assign(Documents(10), 4).ShardOf("notes/broken.md"));
        Assert.Equal(2, ShardPlan.Assign(Documents(10), 7).ShardOf("notes/broken.md"));
    }

    [Fact]
    public void TheFingerprintChangesWithAParagraphCountAndNotWithTheReadingOrder()
    {
        var documents = Documents(50);
        var changed = new Dictionary<string, int>(documents, StringComparer.Ordinal) { ["doc-0007"] = 999 };
        var reversed = documents.Reverse().ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);

        Assert.Equal(ShardPlan.Fingerprint(documents), ShardPlan.Fingerprint(reversed));
        Assert.NotEqual(ShardPlan.Fingerprint(documents), ShardPlan.Fingerprint(changed));
    }
}

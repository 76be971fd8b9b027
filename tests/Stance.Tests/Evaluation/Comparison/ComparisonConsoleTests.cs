using System.Globalization;
using System.Text.RegularExpressions;
using Stance.Evaluation.Comparison;
using static Stance.Tests.Evaluation.Comparison.ComparisonSamples;

namespace Stance.Tests.Evaluation.Comparison;

/// <summary>The printed comparison names every figure, so a checker can read it back.</summary>
public sealed partial class ComparisonConsoleTests
{
    [Fact]
    public void EveryFigureIsPrintedBesideItsNameWithFourDecimals()
    {
        var c = Compare(BBetter());
        using var console = new StringWriter();

        ComparisonConsole.Print(console, c, "out/eval/run_date=2026-01-01/part.parquet", "out/compare-x.html");
        var text = console.ToString();

        Assert.Matches(@"metric\s+A\s+B\s+B − A\s+95 % CI", text);
        foreach (var delta in c.Deltas)
        {
            var row = Regex.Match(
                text, $@"(?m)^{Regex.Escape(delta.Metric)}\s+(\S+)\s+(\S+)\s+(\S+)\s+\[(\S+), (\S+)\]$");
            Assert.True(row.Success, delta.Metric + " row missing:\n" + text);
            Assert.Equal(
                [delta.A, delta.B, delta.Delta.Value, delta.Delta.Low, delta.Delta.High],
                row.Groups.Values.Skip(1).Select(g => double.Parse(g.Value, CultureInfo.InvariantCulture)),
                new FourDecimals());
        }

        Assert.Contains("paired bootstrap: 2000 resamples, seed 20161", text);
        Assert.Contains("McNemar exact: only A right 0, only B right 30, p = 0.0000", text);
        Assert.Matches(@"target\s+n\s+F_avg A\s+F_avg B\s+B − A\s+95 % CI", text);
        Assert.Matches(@"(?m)^T\s+40\s+\S+\s+1\.0000\s+\S+\s+\[\S+, \S+\]$", text);
        Assert.Equal(20, ChangedRow().Count(text));
        Assert.Contains("… and 10 more changed items", text);
        Assert.Contains("predictions: out/eval/run_date=2026-01-01/part.parquet", text);
        Assert.Contains("page: out/compare-x.html", text);
    }

    [Fact]
    public void TheMcNemarLineReadsAsTheIssueShowsIt()
    {
        // b = 3, c = 7 (hand-computed p = 2·176/1024 = 0.34375).
        List<ComparedItem> items =
        [
            .. Enumerable.Range(0, 3).Select(i => Item($"a{i}", "T", "favor", "favor", "none")),
            .. Enumerable.Range(0, 7).Select(i => Item($"b{i}", "T", "favor", "none", "favor")),
            .. Enumerable.Range(0, 5).Select(i => Item($"s{i}", "T", "none", "none", "none")),
        ];
        using var console = new StringWriter();

        ComparisonConsole.Print(console, Compare(items), "p.parquet", "c.html");

        Assert.Contains("McNemar exact: only A right 3, only B right 7, p = 0.3438", console.ToString());
        Assert.DoesNotContain("more changed items", console.ToString());
    }

    [Fact]
    public void AChangedItemsTextIsCutTo80CharactersOnOneLine()
    {
        var text = "Brussels wants\nCaspian gas " + new string('x', 200);
        var item = Item("long-1", "EU", "favor", "none", "favor", text);
        using var console = new StringWriter();

        ComparisonConsole.Print(console, Compare([item]), "p.parquet", "c.html");

        var line = console.ToString().Split('\n').Single(l => l.StartsWith("long-1", StringComparison.Ordinal));
        var excerpt = line[line.IndexOf("Brussels", StringComparison.Ordinal)..];
        Assert.Equal(80, excerpt.Length);
        Assert.StartsWith("Brussels wants Caspian gas xxx", excerpt);
        Assert.EndsWith("…", excerpt);
    }

    [Theory]
    [InlineData("short", "short")]
    [InlineData("  two\t\tspaces \r\n ", "two spaces")]
    public void AShortTextIsKeptWhole(string text, string excerpt)
    {
        Assert.Equal(excerpt, ComparisonFormat.Excerpt(text));
    }

    [Fact]
    public void NoChangedItemsAreSaidSo()
    {
        using var console = new StringWriter();

        ComparisonConsole.Print(
            console, Compare([.. Swapped().Select(i => i with { B = i.A })]), "p.parquet", "c.html");

        Assert.Contains("changed items: none", console.ToString());
        Assert.Contains("McNemar exact: only A right 0, only B right 0, p = 1.0000", console.ToString());
    }

    [GeneratedRegex(@"(?m)^item-\d\d\s+T\s")]
    private static partial Regex ChangedRow();

    private sealed class FourDecimals : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 0.00005 + 1e-12;

        public int GetHashCode(double obj) => 0;
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Stance.Evaluation.Comparison;
using Stance.Tests.Support;
using static Stance.Tests.Evaluation.Comparison.ComparisonSamples;

namespace Stance.Tests.Evaluation.Comparison;

/// <summary>The comparison's page: self-contained, every text from the data encoded, one pair of bars with whiskers
/// per target and for all items, drawn by a real browser.</summary>
public sealed class ComparisonPageTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public void ThePageHasOnePairOfBarsWithWhiskersPerTargetAndForAllItems()
    {
        var c = Compare(Noisy(90));

        var html = ComparisonPage.Render(c);

        // 3 targets + all items = 4 groups, two bars each.
        Assert.Equal(3, c.Targets.Count);
        Assert.Equal(2 * (c.Targets.Count + 1), Regex.Count(html, "<rect class=\"bar [ab]\""));
        Assert.Equal(c.Targets.Count + 1, Regex.Count(html, "<rect class=\"bar a\""));
        Assert.Equal(c.Targets.Count + 1, Regex.Count(html, "<rect class=\"bar b\""));
        Assert.Equal(2 * (c.Targets.Count + 1), Regex.Count(html, "<line class=\"whisker [ab]\""));
        Assert.Equal(4 * (c.Targets.Count + 1), Regex.Count(html, "<line class=\"cap [ab]\""));
        Assert.Contains("<g class=\"group overall\" data-target=\"all items\">", html);
        foreach (var target in new[] { "EU", "NATO", "climate" })
        {
            Assert.Equal(2, Regex.Count(html, $"<rect class=\"bar [ab]\" data-target=\"{target}\""));
        }
    }

    [Fact]
    public void TheChartIsWellFormedSvgWithAScaleFrom0To1ALegendAndBarsNoWiderThanTheScale()
    {
        var html = ComparisonPage.Render(Compare(Noisy(90)));

        var svg = XElement.Parse(Regex.Match(html, "<svg class=\"chart compare\".*?</svg>", RegexOptions.Singleline)
            .Value);
        var ticks = svg.Descendants("text").Where(t => (string?)t.Attribute("class") == "tick-label").ToList();
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], ticks.Select(t => t.Value));
        Assert.Equal(2, svg.Descendants("rect").Count(r => ((string?)r.Attribute("class"))!.StartsWith("swatch")));
        Assert.Contains(
            svg.Descendants("text"), t => t.Value.StartsWith("A: stance 0123456789ab", StringComparison.Ordinal));
        Assert.All(
            svg.Descendants("rect").Where(r => ((string?)r.Attribute("class"))!.StartsWith("bar")),
            bar => Assert.InRange((double)bar.Attribute("width")!, 0, 480));
    }

    [Fact]
    public void TheTitleNamesBothPromptsWithTheirShortHashesAndTheComparisonId()
    {
        var c = Compare(Swapped(), "20260101T000000Z-abc");

        var html = ComparisonPage.Render(c);

        var title = Regex.Match(html, "<title>(.*?)</title>").Groups[1].Value;
        Assert.Equal(
            "Prompt comparison 20260101T000000Z-abc: A stance 0123456789ab vs B stance-v2 fedcba987654", title);
        Assert.Contains("<tr data-metric=\"F_avg\">", html);
        Assert.Contains("McNemar exact test on per-item correctness: only A right 2, only B right 2, p = 1.0000", html);
    }

    [Fact]
    public void TextFromTheDataIsEncodedAndThePageFetchesNothing()
    {
        var items = Swapped();
        items[^1] = items[^1] with { Text = "<script>alert('text')</script> & more" };
        items[^2] = items[^2] with { Target = "<script>alert(\"target\")</script>" };
        var b = PromptB with { Name = "<img src=x onerror=alert(1)>", Folder = "\"><script>x</script>" };
        var c = PromptComparison.Compute("<b>id</b>", "gold/<i>.jsonl", PromptA, b, items);

        var html = ComparisonPage.Render(c);

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<b>id", html);
        Assert.DoesNotContain("<i>", html);
        Assert.Contains("&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt; &amp; more", html);
        Assert.Contains("data-target=\"&lt;script&gt;alert(&quot;target&quot;)&lt;/script&gt;\"", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<link", html);
    }

    [Fact]
    public void TheChangedItemsAreListedInOrderWithTheirFullText()
    {
        var html = ComparisonPage.Render(Compare(Swapped()));

        var rows = Regex.Matches(html, "<tr class=\"item (\\S+)\" data-target=\"T\"><td>([^<]+)</td>");
        Assert.Equal(
            ["fixed fixed-1", "fixed fixed-2", "broke broke-1", "broke broke-2"],
            rows.Select(r => $"{r.Groups[1].Value} {r.Groups[2].Value}"));
    }

    [Fact]
    public void ThePageLivesInTheReportFolderNamedByTheComparisonId()
    {
        Assert.Equal("/out/reports/compare-20260101T000000Z-abc.html",
            ComparisonPage.PathFor("/out/reports", "20260101T000000Z-abc"));
        Assert.Throws<ArgumentException>(() => ComparisonPage.PathFor("/out", "../escape"));
    }

    [SkippableFact]
    public async Task HeadlessChromiumDrawsTheBarsAndWhiskers()
    {
        Skip.IfNot(
            File.Exists(Chromium), "Debian's chromium is not installed (.ci/run installs it with apt-get when it can)");
        using var folder = new TempFolder();
        var c = Compare(Noisy(90));
        var page = folder.File(Path.GetFileName(ComparisonPage.PathFor(folder.Path, c.ComparisonId)),
            ComparisonPage.Render(c));

        var dom = await DumpDomAsync(folder.Path, new Uri(page).AbsoluteUri);

        Assert.Equal(2 * (c.Targets.Count + 1), Regex.Count(dom, "<rect class=\"bar [ab]\""));
        Assert.Equal(2 * (c.Targets.Count + 1), Regex.Count(dom, "<line class=\"whisker [ab]\""));
        Assert.Single(Regex.Matches(dom, "<svg class=\"chart compare\""));
    }

    private static async Task<string> DumpDomAsync(string work, string url)
    {
        var start = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(work, "profile")}",
            "--dump-dom", url,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return await output;
    }
}

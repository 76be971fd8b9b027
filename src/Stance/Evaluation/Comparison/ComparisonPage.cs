using System.Globalization;
using System.Net;
using System.Text;
using static Stance.Evaluation.Comparison.ComparisonFormat;

namespace Stance.Evaluation.Comparison;

/// <summary>Renders a comparison of two prompts as one self-contained HTML page (inline CSS and SVG, no script,
/// nothing fetched): the headline differences with their intervals and McNemar's p, a chart of F_avg per target for
/// A and B with the bootstrap intervals as whiskers, and the changed items. Every text from the data is
/// HTML-encoded.</summary>
internal static class ComparisonPage
{
    /// <summary>Prompt A's colour.</summary>
    public const string ColourA = "#1565c0";

    /// <summary>Prompt B's colour.</summary>
    public const string ColourB = "#ef6c00";

    private const int LabelWidth = 190;
    private const int PlotWidth = 480;
    private const int ChartTop = 30;
    private const int BarHeight = 14;
    private const int GroupHeight = (2 * BarHeight) + 4 + 14;
    private const int TargetLabelLength = 28;

    /// <summary>The page's path: <c>&lt;reportFolder&gt;/compare-&lt;comparisonId&gt;.html</c>.</summary>
    public static string PathFor(string reportFolder, string comparisonId)
    {
        ArgumentNullException.ThrowIfNull(reportFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(comparisonId);
        if (comparisonId.IndexOfAny(['/', '\\']) >= 0 || comparisonId.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException("A comparison id names a file: no folders.", nameof(comparisonId));
        }

        return Path.Combine(reportFolder, $"compare-{comparisonId}.html");
    }

    /// <summary>The HTML of the page, with <paramref name="section"/> (HTML, e.g. the calibration and agreement of the
    /// two prompts) at its end.</summary>
    public static string Render(PromptComparison c, string section = "")
    {
        ArgumentNullException.ThrowIfNull(c);
        var title = $"Prompt comparison {c.ComparisonId}: A {c.PromptA.Label} vs B {c.PromptB.Label}";
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{E(title)}}</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
            table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; }
            th { text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
            .muted { color: #777; } svg text { font: 11px system-ui, sans-serif; }
            .fixed td:first-child { border-left: 4px solid #2e7d32; }
            .broke td:first-child { border-left: 4px solid #c62828; }
            .both-wrong td:first-child { border-left: 4px solid #999; }
            </style></head><body>
            <h1>{{E(title)}}</h1>
            <p class="muted">gold {{E(c.GoldPath)}} · {{Number(c.ScoresA.Count)}} items ·
            """);
        html.Append($" paired bootstrap: {Number(c.Resamples)} resamples, seed {Number(c.Seed)};")
            .Append(" 95 % intervals are the 2.5th and 97.5th percentiles of the resamples (linear interpolation)</p>");

        html.Append("<h2>Prompts</h2><table class=\"prompts\"><tr><th></th><th>name</th><th>folder</th>")
            .Append("<th>sha256</th></tr>");
        foreach (var (side, prompt) in new[] { ("A", c.PromptA), ("B", c.PromptB) })
        {
            html.Append($"<tr><th>{side}</th><td>{E(prompt.Name)}</td><td>{E(prompt.Folder)}</td>")
                .Append($"<td><code>{E(prompt.Sha256)}</code></td></tr>");
        }

        html.Append("</table><h2>Headline</h2><table class=\"deltas\"><tr><th>metric</th><th>A</th><th>B</th>")
            .Append("<th>B − A</th><th>95 % CI</th></tr>");
        foreach (var delta in c.Deltas)
        {
            html.Append($"<tr data-metric=\"{E(delta.Metric)}\"><th>{E(delta.Metric)}</th>")
                .Append($"<td class=\"num\">{Fixed(delta.A)}</td><td class=\"num\">{Fixed(delta.B)}</td>")
                .Append($"<td class=\"num\">{Fixed(delta.Delta.Value)}</td>")
                .Append($"<td class=\"num\">{Interval(delta.Delta)}</td></tr>");
        }

        var m = c.McNemar;
        html.Append("</table><p class=\"mcnemar\">McNemar exact test on per-item correctness: ")
            .Append($"only A right {Number(m.OnlyACorrect)}, only B right {Number(m.OnlyBCorrect)}, ")
            .Append($"p = {Fixed(m.PValue)}</p>");

        html.Append("<h2>F_avg per target</h2><p class=\"muted\">Bars: F_avg on the gold items; whiskers: the 95 % ")
            .Append("bootstrap interval (each target resampled within its own items).</p>")
            .Append(Chart(c));
        html.Append("<table class=\"targets\"><tr><th>target</th><th>n</th><th>F_avg A</th><th>95 % CI</th>")
            .Append("<th>F_avg B</th><th>95 % CI</th><th>B − A</th><th>95 % CI</th></tr>");
        foreach (var target in Groups(c))
        {
            html.Append($"<tr data-target=\"{E(target.Target)}\"><td>{E(target.Target)}</td>")
                .Append($"<td class=\"num\">{Number(target.Count)}</td>");
            foreach (var estimate in new[] { target.A, target.B, target.Delta })
            {
                html.Append($"<td class=\"num\">{Fixed(estimate.Value)}</td>")
                    .Append($"<td class=\"num\">{Interval(estimate)}</td>");
            }

            html.Append("</tr>");
        }

        html.Append($"</table><h2>Changed items ({Number(c.Changed.Count)})</h2>");
        html.Append(Changed(c.Changed));
        html.Append(section).Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>The chart's groups: all items first, then the targets.</summary>
    private static IEnumerable<TargetDelta> Groups(PromptComparison c)
    {
        yield return c.Overall;
        foreach (var target in c.Targets)
        {
            yield return target;
        }
    }

    /// <summary>Horizontal paired bars of F_avg on a 0..1 scale, one group per target after the one of all items,
    /// each bar with its interval as a whisker.</summary>
    private static string Chart(PromptComparison c)
    {
        var groups = Groups(c).ToList();
        var bottom = ChartTop + (groups.Count * GroupHeight);
        var width = LabelWidth + PlotWidth + 60;
        var svg = new StringBuilder().Append(
            $"<svg class=\"chart compare\" id=\"f-avg-per-target\" data-chart=\"f-avg\" width=\"{Number(width)}\" " +
            $"height=\"{Number(bottom + 24)}\" role=\"img\" aria-label=\"F_avg per target for prompts A and B\">");

        svg.Append("<g class=\"legend\">");
        var legendX = LabelWidth;
        foreach (var (side, prompt, colour) in new[] { ("a", c.PromptA, ColourA), ("b", c.PromptB, ColourB) })
        {
            svg.Append($"<rect class=\"swatch {side}\" x=\"{Number(legendX)}\" y=\"4\" width=\"12\" height=\"12\" ")
                .Append($"fill=\"{colour}\"/><text x=\"{Number(legendX + 16)}\" y=\"14\">")
                .Append($"{side.ToUpperInvariant()}: {E(Excerpt(prompt.Label, 36))}</text>");
            legendX += 250;
        }

        svg.Append("</g><g class=\"axis\">");
        for (var tick = 0; tick <= 10; tick += 2)
        {
            var x = X(tick / 10.0);
            svg.Append($"<line class=\"tick\" x1=\"{x}\" y1=\"{Number(ChartTop - 4)}\" x2=\"{x}\" ")
                .Append($"y2=\"{Number(bottom)}\" stroke=\"#ddd\"/>")
                .Append($"<text class=\"tick-label\" x=\"{x}\" y=\"{Number(bottom + 14)}\" text-anchor=\"middle\">")
                .Append($"{(tick / 10.0).ToString("0.0", CultureInfo.InvariantCulture)}</text>");
        }

        svg.Append("</g>");
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var top = ChartTop + (g * GroupHeight);
            var target = E(group.Target);
            svg.Append($"<g class=\"group{(g == 0 ? " overall" : string.Empty)}\" data-target=\"{target}\">")
                .Append($"<text class=\"group-label\" x=\"0\" y=\"{Number(top + 11)}\"")
                .Append(g == 0 ? " font-weight=\"bold\">" : ">")
                .Append($"<title>{target}</title>{E(Excerpt(group.Target, TargetLabelLength))}</text>")
                .Append($"<text class=\"muted\" x=\"0\" y=\"{Number(top + 25)}\" fill=\"#777\">")
                .Append($"n = {Number(group.Count)}, B − A {Fixed(group.Delta.Value)}</text>");
            svg.Append(Bar("a", target, group.A, top, ColourA));
            svg.Append(Bar("b", target, group.B, top + BarHeight + 4, ColourB));
            svg.Append("</g>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>One bar from 0 to the value, its whisker from the interval's low to high with end caps, and the
    /// value beside it.</summary>
    private static string Bar(string side, string encodedTarget, Estimate estimate, int top, string colour)
    {
        var middle = Number(top + (BarHeight / 2));
        var hasInterval = double.IsFinite(estimate.Low) && double.IsFinite(estimate.High);
        var bar = new StringBuilder()
            .Append($"<rect class=\"bar {side}\" data-target=\"{encodedTarget}\" ")
            .Append($"data-value=\"{Fixed(estimate.Value)}\" ")
            .Append($"x=\"{X(0)}\" y=\"{Number(top)}\" width=\"{Coordinate(X0(estimate.Value) - LabelWidth)}\" ")
            .Append($"height=\"{Number(BarHeight)}\" fill=\"{colour}\" fill-opacity=\"0.75\">")
            .Append($"<title>{encodedTarget}, {side.ToUpperInvariant()}: F_avg {Fixed(estimate.Value)}");
        if (hasInterval)
        {
            bar.Append($" {Interval(estimate)}");
        }

        bar.Append("</title></rect>");
        var right = X0(estimate.Value);
        if (hasInterval)
        {
            var (low, high) = (X(estimate.Low), X(estimate.High));
            bar.Append($"<line class=\"whisker {side}\" data-target=\"{encodedTarget}\" x1=\"{low}\" ")
                .Append($"y1=\"{middle}\" x2=\"{high}\" y2=\"{middle}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
            foreach (var end in new[] { low, high })
            {
                bar.Append($"<line class=\"cap {side}\" x1=\"{end}\" y1=\"{Number(top + 2)}\" x2=\"{end}\" ")
                    .Append($"y2=\"{Number(top + BarHeight - 2)}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
            }

            right = Math.Max(right, X0(estimate.High));
        }

        return bar.Append($"<text class=\"value\" x=\"{Coordinate(right + 4)}\" y=\"{Number(top + 11)}\">")
            .Append($"{Fixed(estimate.Value)}</text>").ToString();
    }

    /// <summary>The changed items, all of them, with their full texts.</summary>
    private static string Changed(IReadOnlyList<ComparedItem> items)
    {
        if (items.Count == 0)
        {
            return "<p class=\"muted\">none: both prompts gave every item the same label</p>";
        }

        var html = new StringBuilder("<p class=\"muted\">B fixed first, then B broke, then both wrong.</p>")
            .Append("<table class=\"changed\"><tr><th>id</th><th>target</th><th>gold</th><th>A</th><th>B</th>")
            .Append("<th>change</th><th>text</th></tr>");
        foreach (var item in items)
        {
            var kind = ChangedItems.KindOf(item);
            var css = kind switch
            {
                ChangeKind.Fixed => "fixed",
                ChangeKind.Broke => "broke",
                _ => "both-wrong",
            };
            html.Append($"<tr class=\"item {css}\" data-target=\"{E(item.Target)}\"><td>{E(item.Id)}</td>")
                .Append($"<td>{E(item.Target)}</td><td>{E(item.Gold)}</td><td>{E(item.A)}</td>")
                .Append($"<td>{E(item.B)}</td><td>{ChangedItems.Describe(kind)}</td><td>{E(item.Text)}</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    // The x coordinate of a value on the 0..1 scale (values outside it are drawn at its ends).
    private static double X0(double value) => LabelWidth + (PlotWidth * Math.Clamp(value, 0, 1));

    private static string X(double value) => Coordinate(X0(value));

    private static string Coordinate(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}

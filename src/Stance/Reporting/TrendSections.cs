using System.Globalization;
using System.Text;
using Stance.Output;

namespace Stance.Reporting;

/// <summary>The report's alerts table, its "last nights" charts (inline SVG) and its drift table.</summary>
internal static class TrendSections
{
    private const int Left = 44;
    private const int PlotWidth = 560;
    private const string ChangeColour = "#6a1b9a";

    /// <summary>The run's alerts; nothing for a manifest without the field.</summary>
    public static string Alerts(IReadOnlyList<ManifestAlert>? alerts)
    {
        if (alerts is null)
        {
            return string.Empty;
        }

        if (alerts.Count == 0)
        {
            return "<h2>Alerts</h2><p class=\"muted\">none</p>";
        }

        var html = new StringBuilder("<h2>Alerts</h2><table class=\"alerts\"><tr><th>kind</th><th>target</th>")
            .Append("<th>statistic</th><th>value</th><th>threshold</th><th>message</th></tr>");
        foreach (var alert in alerts)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr data-kind=\"{E(alert.Kind)}\"><td><strong>{E(alert.Kind)}</strong></td>" +
                $"<td>{E(alert.Target ?? "—")}</td><td>{E(alert.Statistic)}</td><td>{alert.Value:0.####}</td>" +
                $"<td>{(alert.Threshold is { } t ? t.ToString("0.####", CultureInfo.InvariantCulture) : "—")}</td>" +
                $"<td>{E(alert.Message)}</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    /// <summary>Per watched target with rows in the window: its mean stance score (line) and its scored paragraphs
    /// (bars) per run date, a dashed line where the prompt or the model changed.</summary>
    public static string Nights(RunTrends trends)
    {
        var html = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<h2>Last {trends.Days} nights</h2><p class=\"muted\">{trends.From:yyyy-MM-dd} to " +
            $"{trends.To:yyyy-MM-dd}, read back from the committed <code>targets</code> parts: per watched target, " +
            $"the mean stance score (−1 … +1) and the number of scored paragraphs naming it per run date. A dashed " +
            $"purple line marks a night whose prompt hash or model differs from the night before (hover it for the " +
            $"change).</p>");
        var shown = trends.Targets.Where(t => trends.Nights.Any(n => n.For(t).Count > 0)).ToList();
        if (shown.Count == 0)
        {
            return html.Append("<p class=\"muted\">no rows of a watched target in the window</p>").ToString();
        }

        var changes = trends.Nights.Where(n => n.Changes.Count > 0).ToList();
        if (changes.Count > 0)
        {
            html.Append("<ul class=\"changes\">");
            foreach (var night in changes)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<li data-date=\"{night.Date:yyyy-MM-dd}\">{night.Date:yyyy-MM-dd}: " +
                    $"{E(string.Join("; ", night.Changes))}</li>");
            }

            html.Append("</ul>");
        }

        foreach (var target in shown)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{E(target)}</h3>")
                .Append(MeanChart(trends, target))
                .Append(CountChart(trends, target));
        }

        return html.ToString();
    }

    /// <summary>The drift test's figures per watched target.</summary>
    public static string Drift(RunTrends trends)
    {
        var html = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<h2>Drift</h2><p class=\"muted\">Per watched target, the stance labels of {trends.To:yyyy-MM-dd} " +
            $"against the earlier nights of the window pooled: a target drifts when the population stability index " +
            $"is at least {trends.PsiThreshold} and the chi-square test of homogeneity gives p below " +
            $"{trends.PValue}, with at least {trends.MinCount} rows on each side.</p>");
        if (trends.Drift.Count == 0)
        {
            return html.Append("<p class=\"muted\">no watched target has rows in the window</p>").ToString();
        }

        html.Append("<table class=\"drift\"><tr><th>target</th><th>this night favor / against / neutral</th>")
            .Append("<th>earlier nights favor / against / neutral</th><th>PSI</th><th>χ² (df)</th><th>p</th>")
            .Append("<th>result</th></tr>");
        foreach (var row in trends.Drift)
        {
            var result = row.Flagged ? "<strong style=\"color:#c62828\">drift</strong>"
                : row.Tested ? "stable"
                : $"not tested (fewer than {trends.MinCount} rows)";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr data-target=\"{E(row.Target)}\" data-flagged=\"{(row.Flagged ? "true" : "false")}\">" +
                $"<td>{E(row.Target)}</td><td>{Cells(row.Last)}</td><td>{Cells(row.Trailing)}</td>" +
                $"<td>{row.Psi:0.###}</td><td>{row.ChiSquare:0.##} ({row.DegreesOfFreedom})</td>" +
                $"<td>{row.PValue:0.####}</td><td>{result}</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    private static string MeanChart(RunTrends trends, string target)
    {
        const int height = 150;
        var svg = Open("trend-mean", target, trends, height);
        // y: +1 at 10, 0 at 70, −1 at 130.
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"70\" y2=\"70\" stroke=\"#bbb\" " +
            $"stroke-dasharray=\"2 2\"/><text x=\"8\" y=\"14\">+1</text><text x=\"14\" y=\"74\">0</text>" +
            $"<text x=\"10\" y=\"134\">−1</text>");
        var path = new StringBuilder();
        var previous = -2;
        var points = new StringBuilder();
        foreach (var night in trends.Nights)
        {
            var counts = night.For(target);
            if (counts.Mean is not { } mean)
            {
                continue;
            }

            var i = Index(trends, night.Date);
            var (x, y) = (X(trends, i), 70 - (60 * Math.Clamp(mean, -1, 1)));
            path.Append(CultureInfo.InvariantCulture, $"{(i == previous + 1 ? " L" : " M")} {x:F1} {y:F1}");
            previous = i;
            points.Append(CultureInfo.InvariantCulture,
                $"<circle class=\"point\" data-date=\"{night.Date:yyyy-MM-dd}\" data-mean=\"{mean:F4}\" " +
                $"data-count=\"{counts.Count}\" cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"3\" fill=\"#1565c0\">" +
                $"<title>{night.Date:yyyy-MM-dd}: mean {mean:F3} over {counts.Count} paragraphs</title></circle>");
        }

        svg.Append(CultureInfo.InvariantCulture,
            $"<path class=\"trend-line\" d=\"{path.ToString().Trim()}\" fill=\"none\" stroke=\"#1565c0\" " +
            $"stroke-width=\"1.5\"/>")
            .Append(points)
            .Append(Markers(trends, 4, 134))
            .Append(DateLabels(trends, height - 4));
        return svg.Append("</svg>").ToString();
    }

    private static string CountChart(RunTrends trends, string target)
    {
        const int height = 100;
        var max = Math.Max(1, trends.Nights.Max(n => n.For(target).Count));
        var svg = Open("trend-count", target, trends, height);
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"4\" y=\"14\">{max}</text><text x=\"30\" y=\"80\">0</text>");
        var bar = Math.Max(2, Step(trends) - 4);
        foreach (var night in trends.Nights)
        {
            var count = night.For(target).Count;
            var h = 70.0 * count / max;
            var x = X(trends, Index(trends, night.Date)) - (bar / 2.0);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"count\" data-date=\"{night.Date:yyyy-MM-dd}\" data-count=\"{count}\" x=\"{x:F1}\" " +
                $"y=\"{80 - h:F1}\" width=\"{bar}\" height=\"{h:F1}\" fill=\"#78909c\">" +
                $"<title>{night.Date:yyyy-MM-dd}: {count} scored paragraphs</title></rect>");
        }

        return svg.Append(Markers(trends, 4, 82)).Append(DateLabels(trends, height - 4)).Append("</svg>").ToString();
    }

    private static StringBuilder Open(string chart, string target, RunTrends trends, int height) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart {chart}\" data-chart=\"{chart}\" data-target=\"{E(target)}\" " +
            $"width=\"{Left + (Step(trends) * trends.Days) + 70}\" height=\"{height}\" role=\"img\">");

    // A dashed vertical line, with a title naming the change, on each night whose prompt or model changed.
    private static string Markers(RunTrends trends, int top, int bottom)
    {
        var svg = new StringBuilder();
        foreach (var night in trends.Nights.Where(n => n.Changes.Count > 0))
        {
            var x = X(trends, Index(trends, night.Date)) - (Step(trends) / 2.0);
            var what = string.Join(", ", night.Changes.Select(c => c.Split(' ')[0]));
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"change\" data-date=\"{night.Date:yyyy-MM-dd}\"><line x1=\"{x:F1}\" x2=\"{x:F1}\" " +
                $"y1=\"{top}\" y2=\"{bottom}\" stroke=\"{ChangeColour}\" stroke-width=\"1.5\" " +
                $"stroke-dasharray=\"4 3\"><title>{night.Date:yyyy-MM-dd}: {E(string.Join("; ", night.Changes))}" +
                $"</title></line><text x=\"{x + 2:F1}\" y=\"{top + 8}\" fill=\"{ChangeColour}\">{E(what)}</text></g>");
        }

        return svg.ToString();
    }

    // The first and last dates and every seventh between, as MM-dd.
    private static string DateLabels(RunTrends trends, int y)
    {
        var svg = new StringBuilder();
        for (var i = 0; i < trends.Days; i++)
        {
            if (i % 7 == 0 || i == trends.Days - 1)
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{X(trends, i) - 14:F1}\" y=\"{y}\">{trends.From.AddDays(i):MM-dd}</text>");
            }
        }

        return svg.ToString();
    }

    private static int Step(RunTrends trends) => Math.Max(6, PlotWidth / trends.Days);

    private static int Index(RunTrends trends, DateOnly date) => date.DayNumber - trends.From.DayNumber;

    private static double X(RunTrends trends, int index) =>
        Left + (index * Step(trends)) + (Step(trends) / 2.0);

    private static string Cells(LabelCounts counts) => $"{counts.Favor} / {counts.Against} / {counts.Neutral}";

    private static string E(string? text) => RunReport.E(text);
}

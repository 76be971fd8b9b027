using System.Globalization;
using System.Net;
using System.Text;
using Stance.Output;

namespace Stance.Reporting;

/// <summary>Renders a run's self-contained HTML report: inline SVG, inline CSS, no script and nothing fetched, so it
/// opens from disk anywhere.</summary>
internal static class RunReport
{
    /// <summary>The report's path beside the manifest: <c>runs/run_date=…/&lt;run_id&gt;.report.html</c>.</summary>
    public static string PathFor(string manifestPath) => Path.ChangeExtension(manifestPath, ".report.html");

    /// <summary>The HTML of the report; <paramref name="trends"/> adds the last nights' charts and the drift
    /// table.</summary>
    public static string Render(RunManifest manifest, ReportCollector data, RunTrends? trends = null)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Stance run {{E(manifest.RunId)}}</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
            table { border-collapse: collapse; }
            """ + $$"""
             td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
            .muted { color: #777; } svg text { font: 11px system-ui, sans-serif; }
            </style></head><body>
            <h1>Stance run {{E(manifest.RunId)}}</h1>
            <p class="muted">run date {{manifest.RunDate:yyyy-MM-dd}} · provider {{E(manifest.Provider)}}
            """ + $$"""
             · model {{E(manifest.Model)}} ·
            prompt {{E(manifest.Prompt.Name)}} <code>{{E(manifest.Prompt.Sha256)}}</code>
            """ + $" · exit code {manifest.ExitCode}</p>");
        html.Append(TrendSections.Alerts(manifest.Alerts));

        var c = manifest.Counts;
        html.Append("<h2>Counts by status</h2>");
        html.Append(Bars(
            "status",
            [
                ("ok", c.Ok, "#2e7d32"),
                ("failed", c.Failed, "#c62828"),
                ("filtered", c.Filtered, "#ef6c00"),
                ("from cache", c.FromCache, "#1565c0"),
            ]));
        html.Append(CultureInfo.InvariantCulture, $"""
            <table><tr><th>documents</th><td>{c.Documents} ({c.BadDocuments} bad)</td></tr>
            <tr><th>paragraphs</th><td>{c.Paragraphs}</td></tr><tr><th>requests</th><td>{c.Requests}</td></tr>
            <tr><th>tokens</th><td>{c.InputTokens:N0} in / {c.OutputTokens:N0} out</td></tr>
            <tr><th>estimated cost</th><td>{manifest.EstimatedCost:0.######} {E(manifest.Currency)}</td></tr>
            <tr><th>duration</th><td>{manifest.DurationSeconds:F1} s
            """ + $" ({manifest.ParagraphsPerSecond:F1} paragraphs/s)</td></tr></table>");

        html.Append(Spend(manifest));
        html.Append("<h2>Failures by kind</h2>");
        html.Append(manifest.FailuresByKind.Count == 0
            ? "<p class=\"muted\">none</p>"
            : Bars("failure", [.. manifest.FailuresByKind.Select(f => (f.Key, f.Value, "#c62828"))]));
        if (trends is not null)
        {
            html.Append(TrendSections.Nights(trends)).Append(TrendSections.Drift(trends));
        }

        html.Append(
            "<h2>Stance strips</h2><p class=\"muted\">Per document: paragraph index × target, " +
            "coloured by stance score (red against, white neutral, green favor; grey: no score).</p>");
        foreach (var strip in data.Strips)
        {
            html.Append(Strip(strip));
        }

        html.Append("<h2>Stance score distribution per target</h2>");
        foreach (var (target, bins) in data.Histograms.OrderByDescending(h => h.Value.Sum()))
        {
            html.Append(Histogram(target, bins));
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    // The estimated cost by kind and by main target (manifests from before they were recorded have neither).
    private static string Spend(RunManifest manifest)
    {
        if (manifest.SpendByKind is null && manifest.SpendByTarget is null && manifest.Budget is null)
        {
            return string.Empty;
        }

        var html = new StringBuilder("<h2>Spend</h2>");
        if (manifest.Budget is { } budget)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<p>budget {budget.MaxCost:0.######} {E(manifest.Currency)}: ")
                .Append(budget.Exceeded is { } why
                    ? $"reached, the run stopped its paid calls ({E(why)})"
                    : "not reached")
                .Append("</p>");
        }

        html.Append("<table class=\"spend\"><tr><th>kind</th><th>cost</th></tr>");
        foreach (var (kind, cost) in manifest.SpendByKind ?? new Dictionary<string, double>())
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(kind.Replace('_', ' '))}</td><td>{cost:0.######} {E(manifest.Currency)}</td></tr>");
        }

        html.Append("</table><table class=\"spend\"><tr><th>main target</th><th>cost</th></tr>");
        foreach (var (target, cost) in manifest.SpendByTarget ?? new Dictionary<string, double>())
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(target)}</td><td>{cost:0.######} {E(manifest.Currency)}</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    private static string Bars(string name, IReadOnlyList<(string Label, int Value, string Colour)> bars)
    {
        var max = Math.Max(1, bars.Max(b => b.Value));
        var svg = new StringBuilder().Append(
            CultureInfo.InvariantCulture,
            $"<svg class=\"chart bars\" data-chart=\"{name}\" " +
            $"width=\"520\" height=\"{(bars.Count * 22) + 4}\" role=\"img\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, colour) = bars[i];
            var width = 360.0 * value / max;
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"0\" y=\"{(i * 22) + 15}\">{E(label)}</text>" +
                $"<rect x=\"110\" y=\"{(i * 22) + 3}\" width=\"{width:F1}\" height=\"16\" fill=\"{colour}\">" +
                $"<title>{E(label)}: {value}</title></rect>" +
                $"<text x=\"{115 + width:F1}\" y=\"{(i * 22) + 15}\">{value}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Strip(DocumentStrip strip)
    {
        var targets = strip.Scores.Keys.Select(k => k.Target).Distinct().Order(StringComparer.Ordinal).ToList();
        var indices = strip.Paragraphs.Keys.ToList();
        const int cell = 18;
        const int left = 130;
        var width = left + (indices.Count * cell) + 10;
        var height = 20 + (Math.Max(1, targets.Count) * cell) + 10;
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<h3>{E(strip.Title ?? strip.DocumentId)} <span class=\"muted\">({E(strip.DocumentId)})</span></h3>" +
            $"<svg class=\"chart strip\" data-chart=\"strip\" width=\"{width}\" height=\"{height}\" role=\"img\">");
        for (var x = 0; x < indices.Count; x++)
        {
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<text x=\"{left + (x * cell) + 4}\" y=\"12\">{indices[x]}</text>");
        }

        for (var y = 0; y < targets.Count; y++)
        {
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<text x=\"0\" y=\"{20 + (y * cell) + 13}\">{E(targets[y])}</text>");
            for (var x = 0; x < indices.Count; x++)
            {
                var has = strip.Scores.TryGetValue((indices[x], targets[y]), out var score);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"cell\" x=\"{left + (x * cell)}\" y=\"{20 + (y * cell)}\" " +
                    $"width=\"{cell - 2}\" height=\"{cell - 2}\" fill=\"{(has ? Colour(score) : "#e0e0e0")}\">" +
                    $"<title>paragraph {indices[x]}, {E(targets[y])}: " +
                    $"{(has ? score.ToString("F2", CultureInfo.InvariantCulture) : "not scored")} " +
                    $"({E(strip.Paragraphs[indices[x]])})</title></rect>");
            }
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Histogram(string target, int[] bins)
    {
        var max = Math.Max(1, bins.Max());
        const int barWidth = 16;
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<h3>{E(target)} <span class=\"muted\">({bins.Sum()} scores)</span></h3>" +
            $"<svg class=\"chart histogram\" data-chart=\"histogram\" width=\"{(bins.Length * barWidth) + 60}\" " +
            $"height=\"110\" role=\"img\">");
        for (var i = 0; i < bins.Length; i++)
        {
            var h = 80.0 * bins[i] / max;
            var from = -1 + (2.0 * i / bins.Length);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{30 + (i * barWidth)}\" y=\"{85 - h:F1}\" width=\"{barWidth - 2}\" height=\"{h:F1}\" " +
                $"fill=\"{Colour(from + (1.0 / bins.Length))}\" stroke=\"#999\">" +
                $"<title>[{from:F1}, {from + (2.0 / bins.Length):F1}): {bins[i]}</title></rect>");
        }

        svg.Append("<text x=\"22\" y=\"100\">-1</text><text x=\"")
            .Append(30 + (bins.Length * barWidth / 2) - 3)
            .Append("\" y=\"100\">0</text><text x=\"")
            .Append(30 + (bins.Length * barWidth) - 8)
            .Append("\" y=\"100\">+1</text>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Red (-1) through white (0) to green (+1).</summary>
    private static string Colour(double score)
    {
        var s = Math.Clamp(score, -1, 1);
        var (r, g, b) = s < 0
            ? (198 + (int)((255 - 198) * (1 + s)), 40 + (int)((255 - 40) * (1 + s)), 40 + (int)((255 - 40) * (1 + s)))
            : (255 - (int)((255 - 46) * s), 255 - (int)((255 - 125) * s), 255 - (int)((255 - 50) * s));
        return string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
    }

    /// <summary>HTML-encodes <paramref name="text"/> (null as empty).</summary>
    internal static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}

using System.Globalization;
using System.Net;
using System.Text;
using static Stance.Evaluation.Comparison.ComparisonFormat;

namespace Stance.Evaluation.Calibration;

/// <summary>Draws one or more calibration reports (e.g. the self-reported confidence and the label probability) on one
/// reliability diagram: a self-contained inline SVG (no script, nothing fetched) with mean confidence on x and
/// accuracy on y, both 0..1 with ticks, the diagonal of perfect calibration, and per series one point per non-empty
/// bin at (mean confidence, accuracy) whose area grows with the bin's count (the count is also in
/// <c>data-count</c> and the point's tooltip), joined by a line; a legend names each series with its ECE, Brier
/// score and N. Every text from the data is HTML-encoded.</summary>
/// <remarks>Stable hooks for tests and styling: the root <c>svg.chart.reliability</c>, <c>line.diagonal</c>,
/// <c>g.series.s{i}</c> with <c>data-source</c>, <c>circle.bin.s{i}</c> with <c>data-count</c>,
/// <c>data-low</c>, <c>data-high</c>, <c>data-confidence</c> and <c>data-accuracy</c>, <c>polyline.line.s{i}</c>,
/// <c>text.tick-label.x</c> / <c>.y</c> and <c>g.legend</c>.</remarks>
internal static class ReliabilityDiagram
{
    /// <summary>The radius a point would shrink to as its bin's count approaches 0.</summary>
    public const double MinRadius = 3;

    /// <summary>The radius of the point of the fullest bin of all series.</summary>
    public const double MaxRadius = 12;

    private const int Left = 56;
    private const int Top = 16;
    private const int Size = 300;
    private const int LegendLine = 18;

    /// <summary>The series' colours, in order (repeated beyond four series).</summary>
    public static readonly IReadOnlyList<string> Colours = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a"];

    /// <summary>The SVG of <paramref name="reports"/> (at least one).</summary>
    public static string Svg(IReadOnlyList<CalibrationReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentOutOfRangeException.ThrowIfZero(reports.Count);
        foreach (var report in reports)
        {
            ArgumentNullException.ThrowIfNull(report, nameof(reports));
        }

        var bottom = Top + Size;
        var legendTop = bottom + 48;
        var height = legendTop + ((reports.Count + 1) * LegendLine);
        var width = Left + Size + 150;
        var sources = string.Join(" and ", reports.Select(r => r.Source));
        var svg = new StringBuilder()
            .Append("<svg class=\"chart reliability\" xmlns=\"http://www.w3.org/2000/svg\" ")
            .Append($"width=\"{Number(width)}\" height=\"{Number(height)}\" ")
            .Append($"viewBox=\"0 0 {Number(width)} {Number(height)}\" role=\"img\" ")
            .Append($"aria-label=\"{E("Reliability diagram of " + sources)}\">")
            .Append($"<title>{E("Reliability diagram: accuracy per confidence bin, " + sources)}</title>")
            .Append("<style>text { font: 11px system-ui, sans-serif; fill: #222; }</style>");

        svg.Append("<g class=\"axis\">")
            .Append($"<rect class=\"frame\" x=\"{Number(Left)}\" y=\"{Number(Top)}\" width=\"{Number(Size)}\" ")
            .Append($"height=\"{Number(Size)}\" fill=\"none\" stroke=\"#999\"/>");
        for (var tick = 0; tick <= 10; tick += 2)
        {
            var value = tick / 10.0;
            var label = value.ToString("0.0", CultureInfo.InvariantCulture);
            var (x, y) = (X(value), Y(value));
            svg.Append($"<line class=\"grid x\" x1=\"{x}\" y1=\"{Number(Top)}\" x2=\"{x}\" y2=\"{Number(bottom)}\" ")
                .Append("stroke=\"#eee\"/>")
                .Append($"<line class=\"grid y\" x1=\"{Number(Left)}\" y1=\"{y}\" x2=\"{Number(Left + Size)}\" ")
                .Append($"y2=\"{y}\" stroke=\"#eee\"/>")
                .Append($"<text class=\"tick-label x\" x=\"{x}\" y=\"{Number(bottom + 14)}\" ")
                .Append($"text-anchor=\"middle\">{label}</text>")
                .Append($"<text class=\"tick-label y\" x=\"{Number(Left - 6)}\" y=\"{y}\" text-anchor=\"end\" ")
                .Append($"dominant-baseline=\"middle\">{label}</text>");
        }

        svg.Append($"<text class=\"axis-title x\" x=\"{X(0.5)}\" y=\"{Number(bottom + 32)}\" ")
            .Append("text-anchor=\"middle\">mean confidence</text>")
            .Append($"<text class=\"axis-title y\" x=\"14\" y=\"{Y(0.5)}\" text-anchor=\"middle\" ")
            .Append($"transform=\"rotate(-90 14 {Y(0.5)})\">accuracy</text></g>");
        svg.Append($"<line class=\"diagonal\" x1=\"{X(0)}\" y1=\"{Y(0)}\" x2=\"{X(1)}\" y2=\"{Y(1)}\" ")
            .Append("stroke=\"#777\" stroke-dasharray=\"4 3\"><title>perfect calibration</title></line>");

        var fullest = Math.Max(1, reports.SelectMany(r => r.Bins).Select(b => b.Count).DefaultIfEmpty(0).Max());
        for (var s = 0; s < reports.Count; s++)
        {
            svg.Append(Series(reports[s], s, fullest));
        }

        svg.Append("<g class=\"legend\">");
        for (var s = 0; s <= reports.Count; s++)
        {
            var y = legendTop + (s * LegendLine);
            if (s == reports.Count)
            {
                svg.Append($"<line class=\"swatch diagonal\" x1=\"{Number(Left)}\" y1=\"{Number(y)}\" ")
                    .Append($"x2=\"{Number(Left + 12)}\" y2=\"{Number(y)}\" stroke=\"#777\" ")
                    .Append("stroke-dasharray=\"4 3\"/>")
                    .Append($"<text x=\"{Number(Left + 18)}\" y=\"{Number(y + 4)}\">perfect calibration</text>");
                break;
            }

            var r = reports[s];
            svg.Append($"<circle class=\"swatch s{Number(s)}\" cx=\"{Number(Left + 6)}\" cy=\"{Number(y)}\" ")
                .Append($"r=\"5\" fill=\"{Colour(s)}\"/>")
                .Append($"<text class=\"legend-label s{Number(s)}\" x=\"{Number(Left + 18)}\" y=\"{Number(y + 4)}\">")
                .Append($"{E(r.Source)}: ECE {Figure(r.Ece)}, ")
                .Append($"Brier {Figure(r.Brier)}, n = {Number(r.Count)}</text>");
        }

        return svg.Append("</g></svg>").ToString();
    }

    /// <summary>One series: a line through its non-empty bins and a point per bin.</summary>
    private static string Series(CalibrationReport report, int s, int fullest)
    {
        var css = $"s{Number(s)}";
        var colour = Colour(s);
        var source = E(report.Source);
        var filled = report.Bins.Where(b => b.Count > 0).ToList();
        var series = new StringBuilder()
            .Append($"<g class=\"series {css}\" data-source=\"{source}\" data-count=\"{Number(report.Count)}\" ")
            .Append($"data-ece=\"{Figure(report.Ece)}\">");
        if (filled.Count >= 2)
        {
            var points = string.Join(' ', filled.Select(b => $"{X(b.MeanConfidence)},{Y(b.Accuracy)}"));
            series.Append($"<polyline class=\"line {css}\" points=\"{points}\" fill=\"none\" stroke=\"{colour}\" ")
                .Append("stroke-width=\"1.5\" stroke-opacity=\"0.6\"/>");
        }

        foreach (var bin in filled)
        {
            // Area proportional to the count: the radius grows with its square root.
            var radius = MinRadius + ((MaxRadius - MinRadius) * Math.Sqrt(bin.Count / (double)fullest));
            series.Append($"<circle class=\"bin {css}\" data-count=\"{Number(bin.Count)}\" ")
                .Append($"data-low=\"{Fixed(bin.Low)}\" data-high=\"{Fixed(bin.High)}\" ")
                .Append($"data-confidence=\"{Fixed(bin.MeanConfidence)}\" data-accuracy=\"{Fixed(bin.Accuracy)}\" ")
                .Append($"cx=\"{X(bin.MeanConfidence)}\" cy=\"{Y(bin.Accuracy)}\" r=\"{Coordinate(radius)}\" ")
                .Append($"fill=\"{colour}\" fill-opacity=\"0.55\" stroke=\"{colour}\">")
                .Append($"<title>{source}, bin {Fixed(bin.Low)}–{Fixed(bin.High)}: n = {Number(bin.Count)}, ")
                .Append($"mean confidence {Fixed(bin.MeanConfidence)}, accuracy {Fixed(bin.Accuracy)}</title>")
                .Append("</circle>");
        }

        return series.Append("</g>").ToString();
    }

    private static string Colour(int series) => Colours[series % Colours.Count];

    // Coordinates of a value on the 0..1 scales (values outside are drawn at the ends).
    private static string X(double value) => Coordinate(Left + (Size * Math.Clamp(value, 0, 1)));

    private static string Y(double value) => Coordinate(Top + Size - (Size * Math.Clamp(value, 0, 1)));

    private static string Coordinate(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}

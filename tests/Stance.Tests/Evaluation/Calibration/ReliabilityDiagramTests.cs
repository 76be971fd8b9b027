using System.Globalization;
using System.Xml.Linq;
using Stance.Evaluation.Calibration;
using static Stance.Tests.Evaluation.Calibration.CalibrationSamples;

namespace Stance.Tests.Evaluation.Calibration;

/// <summary>The reliability diagram: well-formed SVG with axes, the diagonal, one point per non-empty bin and series
/// and a legend; every text encoded.</summary>
public sealed class ReliabilityDiagramTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    private static CalibrationReport SelfReported() =>
        CalibrationReport.Compute("self-reported confidence", HandWorked());

    private static CalibrationReport LabelProbability() =>
        CalibrationReport.Compute(
            "label_probability",
            [.. Items(0.99, 6, true), .. Items(0.55, 1, true), .. Items(0.55, 2, false), .. Items(0.15, 1, false)]);

    [Fact]
    public void EachSeriesHasOnePointPerNonEmptyBinWithItsCount()
    {
        var svg = Parse(ReliabilityDiagram.Svg([SelfReported(), LabelProbability()]));

        var s0 = Points(svg, "bin s0");
        var s1 = Points(svg, "bin s1");
        Assert.Equal(["2", "3", "5"], s0.Select(p => (string)p.Attribute("data-count")!));
        Assert.Equal(["1", "3", "6"], s1.Select(p => (string)p.Attribute("data-count")!));
        Assert.Equal(["0.2500", "0.6500", "0.9500"], s0.Select(p => (string)p.Attribute("data-confidence")!));
        Assert.Equal(["0.0000", "0.6667", "0.8000"], s0.Select(p => (string)p.Attribute("data-accuracy")!));
        var series = svg.Descendants(s_svg + "g").Where(g => ((string?)g.Attribute("class"))?.StartsWith(
            "series", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(
            ["self-reported confidence", "label_probability"],
            series.Select(g => (string)g.Attribute("data-source")!));
        Assert.Equal(2, svg.Descendants(s_svg + "polyline").Count());
    }

    [Fact]
    public void APointSitsAtItsMeanConfidenceAndAccuracyAndGrowsWithItsCount()
    {
        var svg = Parse(ReliabilityDiagram.Svg([SelfReported()]));

        // The plot spans x 56..356 and y 316 (0) .. 16 (1): (0.95, 0.8) is at (56 + 285, 316 − 240).
        var top = Points(svg, "bin s0").Single(p => (string)p.Attribute("data-count")! == "5");
        Assert.Equal((341.0, 76.0), (Number(top, "cx"), Number(top, "cy")));
        var radii = Points(svg, "bin s0").Select(p => Number(p, "r")).ToList();
        Assert.Equal(radii.Order(), radii);
        Assert.Equal(ReliabilityDiagram.MaxRadius, radii[^1], 1);
    }

    [Fact]
    public void TheDiagonalRunsFrom00To11AndBothAxesHaveTicksFrom0To1()
    {
        var svg = Parse(ReliabilityDiagram.Svg([SelfReported()]));

        var diagonal = svg.Descendants(s_svg + "line").Single(l => (string?)l.Attribute("class") == "diagonal");
        Assert.Equal((56.0, 316.0, 356.0, 16.0), (
            Number(diagonal, "x1"), Number(diagonal, "y1"), Number(diagonal, "x2"), Number(diagonal, "y2")));
        string[] ticks = ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"];
        Assert.Equal(ticks, Texts(svg, "tick-label x"));
        Assert.Equal(ticks, Texts(svg, "tick-label y"));
        Assert.Equal(["mean confidence"], Texts(svg, "axis-title x"));
        Assert.Equal(["accuracy"], Texts(svg, "axis-title y"));
    }

    [Fact]
    public void TheLegendNamesEachSeriesWithItsEceBrierAndCount()
    {
        var svg = Parse(ReliabilityDiagram.Svg([SelfReported(), LabelProbability()]));

        Assert.Equal(
            ["self-reported confidence: ECE 0.1300, Brier 0.1705, n = 10"], Texts(svg, "legend-label s0"));
        Assert.Single(Texts(svg, "legend-label s1"));
        Assert.Contains(
            svg.Descendants(s_svg + "text"), t => t.Value == "perfect calibration");
    }

    [Fact]
    public void TextIsEncodedAndTheDiagramHasNoScript()
    {
        var report = CalibrationReport.Compute("<script>alert('x')</script> & co", HandWorked());

        var markup = ReliabilityDiagram.Svg([report]);

        Assert.DoesNotContain("<script", markup);
        Assert.Contains("&lt;script&gt;", markup);
        var svg = Parse(markup);
        Assert.Equal("<script>alert('x')</script> & co", (string)svg.Descendants(s_svg + "g")
            .Single(g => (string?)g.Attribute("class") == "series s0").Attribute("data-source")!);
        Assert.DoesNotContain("href", markup);
    }

    [Fact]
    public void AReportWithoutItemsDrawsNoPoints()
    {
        var svg = Parse(ReliabilityDiagram.Svg([CalibrationReport.Compute("c", [(null, true)])]));

        Assert.Empty(Points(svg, "bin s0"));
        Assert.Equal(["c: ECE undefined, Brier undefined, n = 0"], Texts(svg, "legend-label s0"));
    }

    [Fact]
    public void NoReportsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReliabilityDiagram.Svg([]));
    }

    private static XElement Parse(string svg) => XElement.Parse(svg);

    private static List<XElement> Points(XElement svg, string css) =>
        [.. svg.Descendants(s_svg + "circle").Where(c => (string?)c.Attribute("class") == css)];

    private static List<string> Texts(XElement svg, string css) =>
        [.. svg.Descendants(s_svg + "text").Where(t => (string?)t.Attribute("class") == css).Select(t => t.Value)];

    private static double Number(XElement element, string attribute) =>
        double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);
}

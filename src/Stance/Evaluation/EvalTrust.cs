using System.Net;
using System.Text;
using Stance.Evaluation.Agreement;
using Stance.Evaluation.Calibration;
using Stance.Evaluation.Comparison;
using static Stance.Evaluation.Comparison.ComparisonFormat;

namespace Stance.Evaluation;

/// <summary>Whether an evaluation's labels can be trusted: the calibration of the model's self-reported confidence and
/// of the label's token probability against correctness on gold, and the agreement (Krippendorff's alpha, Cohen's
/// kappa, each with a bootstrap interval) of the model with gold, of two prompts with each other and of the model with
/// itself over repeats.</summary>
internal sealed class EvalTrust(EvalOptions options)
{
    /// <summary>The name of the self-reported confidence's series.</summary>
    public const string Confidence = "self-reported confidence";

    /// <summary>The name of the token probability's series.</summary>
    public const string Probability = "label_probability";

    /// <summary>Measures calibration per side and the agreement figures once, for the console and the page.</summary>
    public TrustFigures Measure(
        IReadOnlyList<(string Side, EvalRow[] Rows)> sides,
        IReadOnlyList<EvalRow[]> repeats) =>
        new([.. sides.Select(s => (s.Side, Calibrations(s.Side, s.Rows)))], Agreements(sides, repeats));

    /// <summary>Prints the calibration of each side and the agreement figures.</summary>
    public static void Print(TextWriter console, TrustFigures figures)
    {
        foreach (var report in figures.Calibrations.SelectMany(c => c.Reports))
        {
            CalibrationConsole.Print(console, report);
        }

        AgreementConsole.Print(console, figures.Agreements);
    }

    /// <summary>The calibration reports of one side: self-reported confidence, and the label's probability when any
    /// row has one.</summary>
    public IReadOnlyList<CalibrationReport> Calibrations(string side, EvalRow[] rows)
    {
        var suffix = side.Length == 0 ? string.Empty : $", {side}";
        var scored = rows.Where(r => r.Status == "ok").ToList();
        var reports = new List<CalibrationReport>
        {
            CalibrationReport.Compute(
                Confidence + suffix,
                [.. scored.Select(r => (r.Confidence, r.PredictedLabel == r.GoldLabel))],
                options.Bins,
                [options.TargetAccuracy]),
        };
        if (scored.Any(r => r.LabelProbability is not null))
        {
            reports.Add(CalibrationReport.Compute(
                Probability + suffix,
                [.. scored.Select(r => (r.LabelProbability, r.PredictedLabel == r.GoldLabel))],
                options.Bins,
                [options.TargetAccuracy]));
        }

        return reports;
    }

    /// <summary>Agreement of each side with gold, of the two sides, and of the first side with its repeats; a failed
    /// item is a missing value.</summary>
    public static IReadOnlyList<AgreementEstimate> Agreements(
        IReadOnlyList<(string Side, EvalRow[] Rows)> sides,
        IReadOnlyList<EvalRow[]> repeats)
    {
        var estimates = new List<AgreementEstimate>();
        foreach (var (side, rows) in sides)
        {
            var between = side.Length == 0 ? "model vs gold" : $"prompt {side} vs gold";
            estimates.Add(AgreementBootstrap.Alpha(between, [.. rows.Select(r => Unit(r.GoldLabel, Label(r)))]));
            estimates.Add(AgreementBootstrap.Kappa(
                between, [.. rows.Where(r => r.Status == "ok").Select(r => (r.GoldLabel, r.PredictedLabel))]));
        }

        if (sides.Count == 2)
        {
            var (a, b) = (sides[0].Rows, sides[1].Rows);
            estimates.Add(AgreementBootstrap.Alpha("prompt A vs B", [.. a.Zip(b, (x, y) => Unit(Label(x), Label(y)))]));
            estimates.Add(AgreementBootstrap.Kappa(
                "prompt A vs B",
                [.. a.Zip(b).Where(p => p.First.Status == "ok" && p.Second.Status == "ok")
                    .Select(p => (p.First.PredictedLabel, p.Second.PredictedLabel))]));
        }

        if (repeats.Count > 0)
        {
            var first = sides[0].Rows;
            var runs = $"{repeats.Count + 1} runs of the prompt";
            estimates.Add(AgreementBootstrap.Alpha(
                runs,
                [
                    .. first.Select((row, i) =>
                        (IReadOnlyList<string?>)[Label(row), .. repeats.Select(r => Label(r[i]))]),
                ]));
            estimates.Add(AgreementBootstrap.Kappa(
                "run 1 vs repeat 1",
                [.. first.Zip(repeats[0]).Where(p => p.First.Status == "ok" && p.Second.Status == "ok")
                    .Select(p => (p.First.PredictedLabel, p.Second.PredictedLabel))]));
        }

        return estimates;
    }

    /// <summary>A self-contained HTML page with the reliability diagram and tables of each side.</summary>
    public static string Page(string goldPath, TrustFigures figures) =>
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Stance evaluation calibration</title>"
        + "<style>body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; } "
        + "td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }</style></head><body>"
        + $"<h1>Evaluation of {WebUtility.HtmlEncode(goldPath)}</h1>"
        + Section(figures) + "</body></html>\n";

    /// <summary>The calibration and agreement section at the end of a comparison page
    /// (<see cref="ComparisonPage.Render"/>).</summary>
    public static string ComparisonSection(string goldPath, TrustFigures figures) =>
        $"<h2>Calibration on {WebUtility.HtmlEncode(goldPath)}</h2>" + Section(figures);

    private static string Section(TrustFigures figures)
    {
        var html = new StringBuilder();
        html.Append("<table class=\"agreement\"><caption>Agreement (95 % bootstrap intervals)</caption>")
            .Append("<tr><th>measure</th><th>between</th><th>value</th><th>95 % CI</th><th>items</th></tr>");
        foreach (var a in figures.Agreements)
        {
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(a.Measure)).Append("</td><td>")
                .Append(WebUtility.HtmlEncode(a.Between)).Append("</td><td>")
                .Append(Figure(a.Value)).Append("</td><td>")
                .Append(double.IsNaN(a.Low) || double.IsNaN(a.High) ? "–" : $"{Fixed(a.Low)} – {Fixed(a.High)}")
                .Append($"</td><td>{Number(a.Units)}</td></tr>");
        }

        html.Append("</table>");
        foreach (var (side, reports) in figures.Calibrations)
        {
            html.Append("<section class=\"calibration\">")
                .Append(side.Length == 0 ? string.Empty : $"<h3>Prompt {WebUtility.HtmlEncode(side)}</h3>")
                .Append(ReliabilityDiagram.Svg(reports));
            foreach (var report in reports)
            {
                html.Append("<table><caption>").Append(WebUtility.HtmlEncode(report.Source))
                    .Append($": ECE {Figure(report.Ece)}, Brier {Figure(report.Brier)}, ")
                    .Append($"{Number(report.Count)} items</caption>")
                    .Append("<tr><th>bin</th><th>n</th><th>mean confidence</th><th>accuracy</th></tr>");
                foreach (var bin in report.Bins)
                {
                    html.Append(FormattableString.Invariant(
                        $"<tr><td>{bin.Low:F1}–{bin.High:F1}</td><td>{bin.Count}</td>"))
                        .Append(bin.Count == 0
                            ? "<td>–</td><td>–</td></tr>"
                            : $"<td>{Fixed(bin.MeanConfidence)}</td><td>{Fixed(bin.Accuracy)}</td></tr>");
                }

                html.Append("</table>");
            }

            html.Append("</section>");
        }

        return html.ToString();
    }

    private static string? Label(EvalRow row) => row.Status == "ok" ? row.PredictedLabel : null;

    private static IReadOnlyList<string?> Unit(string? first, string? second) => [first, second];
}

/// <summary>An evaluation's trust figures, measured once: each side's calibration reports and the agreement
/// estimates.</summary>
internal sealed record TrustFigures(
    IReadOnlyList<(string Side, IReadOnlyList<CalibrationReport> Reports)> Calibrations,
    IReadOnlyList<AgreementEstimate> Agreements);

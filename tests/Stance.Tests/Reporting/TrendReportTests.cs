using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Reporting;

/// <summary>The run report's "last 30 nights" charts, the drift test, the manifest's alerts, the metric and the
/// webhook, over six nights built once (<see cref="TrendNights"/>).</summary>
public sealed partial class TrendReportTests(TrendNights nights) : IClassFixture<TrendNights>
{
    private const string Chromium = "/usr/bin/chromium";

    private static DateOnly Last => TrendNights.Dates[^1];

    [Fact]
    public void EveryNightRanOnItsOwnDateAndExitedZero()
    {
        Assert.All(nights.Runs, run => Assert.True(run.Value.ExitCode == ExitCodes.Ok, run.Value.LogText));
        var dates = DuckDb.Query(
                $"SELECT DISTINCT CAST(run_date AS VARCHAR) AS d FROM {DuckDb.Table(nights.Output, "targets")} " +
                "ORDER BY d")
            .Select(r => (string)r["d"]!);
        Assert.Equal(
            [TrendNights.Old, .. TrendNights.Dates],
            dates.Select(d => DateOnly.Parse(d, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task TheChartsHoldEachNightsMeanScoreAndCountAsDuckDbReadsThem()
    {
        var html = await File.ReadAllTextAsync(nights.ReportPath(Last));
        Assert.Contains("<h2>Last 30 nights</h2>", html);
        // Independently: DuckDB over the Parquet, the window 2026-02-04 … 2026-03-05 (the old night is outside).
        var expected = DuckDb.Query(
                "SELECT target, CAST(run_date AS VARCHAR) AS d, count(*) AS n, avg(stance_score) AS mean " +
                $"FROM {DuckDb.Table(nights.Output, "targets")} WHERE watched " +
                "AND run_date BETWEEN DATE '2026-02-04' AND DATE '2026-03-05' GROUP BY ALL ORDER BY target, d")
            .Select(r => ((string)r["target"]!, (string)r["d"]!, (long)r["n"]!, (double)r["mean"]!))
            .ToList();
        Assert.Equal(3 * 5, expected.Count);

        var drawn = new List<(string, string, long, double)>();
        foreach (Match chart in MeanChart().Matches(html))
        {
            foreach (Match point in Point().Matches(chart.Groups["body"].Value))
            {
                drawn.Add((chart.Groups["target"].Value, point.Groups["date"].Value,
                    long.Parse(point.Groups["count"].Value, CultureInfo.InvariantCulture),
                    double.Parse(point.Groups["mean"].Value, CultureInfo.InvariantCulture)));
            }
        }

        Assert.Equal(expected.Select(e => (e.Item1, e.Item2, e.Item3)), drawn.Select(d => (d.Item1, d.Item2, d.Item3)));
        Assert.All(expected.Zip(drawn), pair => Assert.Equal(pair.First.Item4, pair.Second.Item4, 4));
        // And by hand: Armenia 18 × 0.6 / 24 = 0.45 before the shift, −0.45 on its night; 24 paragraphs each night.
        Assert.Contains(("Armenia", "2026-03-01", 24L, 0.45), drawn);
        Assert.Contains(("Armenia", "2026-03-05", 24L, -0.45), drawn);
        Assert.Contains(("Russia", "2026-03-02", 5L, 0.6), drawn);
        Assert.DoesNotContain(drawn, d => d.Item2 == "2026-01-15");
        // The bars: one per night and target, with the same counts.
        Assert.Equal(15, Regex.Count(html, "<rect class=\"count\""));
        Assert.Contains("<rect class=\"count\" data-date=\"2026-03-03\" data-count=\"24\"", html);
    }

    [Fact]
    public async Task ThePromptChangeAndTheModelChangeAreMarkedOnTheirNights()
    {
        var html = await File.ReadAllTextAsync(nights.ReportPath(Last));
        var markers = Marker().Matches(html).Select(m => (m.Groups["date"].Value, m.Groups["title"].Value)).ToList();

        // One marker per night that changed, on each of the three targets' two charts.
        Assert.Equal(2 * 3 * 2, markers.Count);
        Assert.All(markers.Where(m => m.Item1 == "2026-03-03"), m => Assert.Matches(
            "^2026-03-03: prompt [0-9a-f]{12} → [0-9a-f]{12}$", m.Item2));
        Assert.All(markers.Where(m => m.Item1 == "2026-03-04"), m => Assert.Equal(
            "2026-03-04: model model-a → model-b", m.Item2));
        Assert.Equal(["2026-03-03", "2026-03-04"], markers.Select(m => m.Item1).Distinct().Order());
        var before = nights.Manifest(TrendNights.Dates[1]).Prompt.Sha256[..12];
        var after = nights.Manifest(TrendNights.Dates[2]).Prompt.Sha256[..12];
        Assert.NotEqual(before, after);
        Assert.Contains($"2026-03-03: prompt {before} → {after}", html);
    }

    [Fact]
    public void OnlyTheShiftedTargetDriftsAndTheManifestSaysSo()
    {
        var manifest = nights.Manifest(Last);
        var alert = Assert.Single(manifest.Alerts!);
        Assert.Equal(("drift", "Armenia", "psi", 0.25), (alert.Kind, alert.Target, alert.Statistic, alert.Threshold));
        // Favor / against / neutral: 0 / 18 / 6 against 72 / 0 / 24 (four nights of 18 / 0 / 6): shares
        // (ε, .75, .25) against (.75, ε, .25), ε = 0.0001; PSI = 2 × (.75 − .0001) × ln(.75 / .0001) = 13.3636.
        Assert.Equal(2 * (0.75 - 0.0001) * Math.Log(0.75 / 0.0001), alert.Value, 4);
        Assert.Contains("0/18/6 on the run's night against 72/0/24", alert.Message);
        var json = JsonNode.Parse(nights.ManifestText(Last))!["alerts"]!.AsArray();
        Assert.Equal("drift", json.Single()!["kind"]!.GetValue<string>());
        Assert.Equal("Armenia", json.Single()!["target"]!.GetValue<string>());
        // The nights before raised nothing: the prompt and model changes move no label.
        Assert.All(TrendNights.Dates[..^1], date => Assert.Empty(nights.Manifest(date).Alerts!));
        Assert.Contains(nights.Runs[Last].Log, l =>
            l.StartsWith("Warning Stance.Alerts.RunAlerts: Run ", StringComparison.Ordinal)
            && l.Contains("alert (drift): Armenia:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheDriftTableHasTheFiguresAndTellsTooFewRowsApart()
    {
        var html = await File.ReadAllTextAsync(nights.ReportPath(Last));

        Assert.Contains("<tr data-target=\"Armenia\" data-flagged=\"true\"><td>Armenia</td><td>0 / 18 / 6</td>" +
            "<td>72 / 0 / 24</td>", html);
        Assert.Contains("<tr data-target=\"France\" data-flagged=\"false\"><td>France</td><td>8 / 8 / 8</td>" +
            "<td>32 / 32 / 32</td><td>0</td><td>0 (2)</td><td>1</td><td>stable</td>", html);
        // Russia shifted too, but on 5 rows a night: never tested.
        Assert.Contains("<tr data-target=\"Russia\" data-flagged=\"false\"><td>Russia</td><td>0 / 5 / 0</td>" +
            "<td>20 / 0 / 0</td>", html);
        Assert.Contains("not tested (fewer than 20 rows)", html);
        Assert.Contains("<tr data-kind=\"drift\"><td><strong>drift</strong></td><td>Armenia</td>", html);
    }

    [Fact]
    public void TheAlertIsCountedOnTheMetricByKind()
    {
        Assert.Equal(1, nights.Alerts.GetValueOrDefault("drift"));
        Assert.Equal(["drift"], nights.Alerts.Keys);
    }

    [Fact]
    public void TheWebhookReceivedTheLastNightsAlertsAndTheTokenIsNowhereElse()
    {
        var request = Assert.Single(nights.Webhook.Requests);
        Assert.Equal($"?token={TrendNights.Token}", request.Query);
        var body = JsonNode.Parse(request.Body)!;
        var manifest = nights.Manifest(Last);
        Assert.Equal(manifest.RunId, body["run_id"]!.GetValue<string>());
        Assert.Equal("2026-03-05", body["run_date"]!.GetValue<string>());
        Assert.Equal(0, body["exit_code"]!.GetValue<int>());
        Assert.Equal("ok", body["status"]!.GetValue<string>());
        Assert.Equal("Armenia", body["alerts"]!.AsArray().Single()!["target"]!.GetValue<string>());
        Assert.Equal(TrendNights.Paragraphs, body["counts"]!["paragraphs"]!.GetValue<int>());
        Assert.Equal(nights.ReportPath(Last), body["report"]!.GetValue<string>());
        Assert.Contains(nights.Runs[Last].Log, l => l.Contains(
            "Alerts sent to the webhook at http://127.0.0.1: 1 alerts, HTTP 200", StringComparison.Ordinal));

        foreach (var (date, run) in nights.Runs)
        {
            Assert.DoesNotContain(TrendNights.Token, run.LogText);
            Assert.DoesNotContain(TrendNights.Token, nights.ManifestText(date));
            Assert.DoesNotContain(TrendNights.Token, File.ReadAllText(nights.ReportPath(date)));
        }
    }

    [SkippableFact]
    public async Task HeadlessChromiumDrawsTheTrendChartsAndTheirMarkers()
    {
        Skip.IfNot(
            File.Exists(Chromium), "Debian's chromium is not installed (.ci/run installs it with apt-get when it can)");
        using var work = new TempFolder();
        var dom = await RunReportTests.ChromiumAsync(
            work.Path, "--dump-dom", new Uri(nights.ReportPath(Last)).AbsoluteUri);

        Assert.Equal(3, Regex.Count(dom, "<svg class=\"chart trend-mean\""));
        Assert.Equal(3, Regex.Count(dom, "<svg class=\"chart trend-count\""));
        Assert.Equal(15, Regex.Count(dom, "<circle class=\"point\""));
        Assert.Equal(3, Regex.Count(dom, "<path class=\"trend-line\""));
        Assert.Equal(6, Regex.Count(dom, "<g class=\"change\" data-date=\"2026-03-03\""));
        Assert.Contains("<table class=\"drift\">", dom);
    }

    [GeneratedRegex("<svg class=\"chart trend-mean\" data-chart=\"trend-mean\" data-target=\"(?<target>[^\"]+)\"" +
        "[^>]*>(?<body>.*?)</svg>")]
    private static partial Regex MeanChart();

    [GeneratedRegex("<circle class=\"point\" data-date=\"(?<date>[^\"]+)\" data-mean=\"(?<mean>[^\"]+)\" " +
        "data-count=\"(?<count>\\d+)\"")]
    private static partial Regex Point();

    [GeneratedRegex("<g class=\"change\" data-date=\"(?<date>[^\"]+)\">.*?<title>(?<title>[^<]*)</title>")]
    private static partial Regex Marker();
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using Stance.Tests.Support;

namespace Stance.Tests.Reporting;

/// <summary>Every run writes a self-contained HTML report beside its manifest, and a real browser draws its
/// charts.</summary>
public sealed partial class RunReportTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task TheReportBesideTheManifestHoldsEveryChartAndFetchesNothing()
    {
        using var folder = new TempFolder();
        var html = await RunAndReadReportAsync(folder);

        Assert.Contains("data-chart=\"status\"", html);
        Assert.Contains("<h2>Failures by kind</h2>", html);
        Assert.Equal(4, Regex.Count(html, "data-chart=\"strip\""));
        Assert.True(Regex.Count(html, "class=\"cell\"") >= 17, "one cell per paragraph and target at least");
        Assert.True(Regex.Count(html, "data-chart=\"histogram\"") >= 3);
        Assert.Contains("Brussels wants Caspian gas", html);
        Assert.Matches("prompt stance <code>[0-9a-f]{64}</code>", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
    }

    [SkippableFact]
    public async Task HeadlessChromiumDrawsTheCharts()
    {
        Skip.IfNot(
            File.Exists(Chromium), "Debian's chromium is not installed (.ci/run installs it with apt-get when it can)");
        using var folder = new TempFolder();
        await RunAndReadReportAsync(folder);
        var report = Directory
            .GetFiles(Path.Combine(folder.Path, "out", "runs"), "*.report.html", SearchOption.AllDirectories)
            .Single();
        var screenshot = Path.Combine(folder.Path, "report.png");

        var dom = await ChromiumAsync(folder.Path, "--dump-dom", new Uri(report).AbsoluteUri);
        await ChromiumAsync(
            folder.Path, $"--screenshot={screenshot}", "--window-size=1200,1600", new Uri(report).AbsoluteUri);

        Assert.True(Regex.Count(dom, "<rect class=\"cell\"") >= 17, dom.Length > 500 ? dom[..500] : dom);
        Assert.Equal(4, Regex.Count(dom, "<svg class=\"chart strip\""));
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 20_000, $"screenshot of {png.Length} bytes is too small to hold the charts");
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], png[..4]);
    }

    private static async Task<string> RunAndReadReportAsync(TempFolder folder)
    {
        var run = await StanceRunner.RunAsync(
            ["--input", RepoPaths.Data, "--output", Path.Combine(folder.Path, "out"), "--prompts", RepoPaths.Prompts]);
        Assert.Equal(0, run.ExitCode);
        var manifest = Directory
            .GetFiles(Path.Combine(folder.Path, "out", "runs"), "*.json", SearchOption.AllDirectories)
            .Single();
        var report = Path.ChangeExtension(manifest, ".report.html");
        Assert.True(File.Exists(report), "no report beside " + manifest);
        return await File.ReadAllTextAsync(report);
    }

    internal static async Task<string> ChromiumAsync(string work, params string[] args)
    {
        var start = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={Path.Combine(work, "chromium-profile")}", .. args,
        ];
        foreach (var arg in arguments)
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

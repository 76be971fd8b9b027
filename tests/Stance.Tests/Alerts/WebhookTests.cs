using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Stance.Alerts;
using Stance.Hosting;
using Stance.Output;
using Stance.Tests.Support;

namespace Stance.Tests.Alerts;

/// <summary>The alert webhook: retried with backoff, never failing the run, never logging its URL's secret
/// part.</summary>
public sealed class WebhookTests : JobTestBase
{
    private const string Token = "hook-token-5e1f-secret";

    private WebhookListener _hook = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _hook = await WebhookListener.StartAsync();
        // Every paragraph is refused (400, not retried): the run ends with exit code 3 and a failure share of 1.
        Server.Responder = _ => Reply.Status(400);
        File.WriteAllText(
            Path.Combine(Input, "a.txt"), "A note\n\nArmenia spoke.\n\nFrance replied.\n\nRussia waited.");
    }

    [Fact]
    public async Task AWebhookFailingTwiceIsSentAgainAndTheThirdPostIsDelivered()
    {
        _hook.Status = n => n <= 2 ? 503 : 200;

        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.CompletedWithFailures, run.LogText);
        Assert.Equal(3, _hook.Requests.Count);
        Assert.Single(_hook.Requests.Select(r => r.Body).Distinct());
        var body = JsonNode.Parse(_hook.Requests.First().Body)!;
        Assert.Equal(3, body["exit_code"]!.GetValue<int>());
        Assert.Equal("completed_with_failures", body["status"]!.GetValue<string>());
        var alert = body["alerts"]!.AsArray().Single()!;
        Assert.Equal("failure_share", alert["kind"]!.GetValue<string>());
        Assert.Equal(1.0, alert["value"]!.GetValue<double>());
        Assert.Equal(0.2, alert["threshold"]!.GetValue<double>());
        Assert.Equal(3, body["counts"]!["failed"]!.GetValue<int>());
        Assert.EndsWith(".report.html", body["report"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, run.Log.Count(l => l.Contains("The alert webhook failed (attempt", StringComparison.Ordinal)));
        Assert.Contains(run.Log, l => l.Contains("1 alerts, HTTP 200", StringComparison.Ordinal));
        Assert.DoesNotContain(Token, run.LogText);
    }

    [Fact]
    public async Task AWebhookThatAlwaysFailsLeavesTheRunsExitCodeAndNeverShowsItsToken()
    {
        _hook.Status = _ => 500;

        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.CompletedWithFailures, run.LogText);
        Assert.Equal(3, _hook.Requests.Count); // the first POST and two retries
        Assert.Contains(run.Log, l => l.StartsWith("Warning Stance.Alerts.AlertWebhook: The alerts were not " +
            "delivered to the webhook at http://127.0.0.1: HTTP 500", StringComparison.Ordinal));
        var manifestPath = Directory.GetFiles(Path.Combine(Output, "runs"), "*.json", SearchOption.AllDirectories)
            .Single();
        var manifest = RunManifest.Read(manifestPath);
        Assert.Equal("failure_share", Assert.Single(manifest.Alerts!).Kind);
        Assert.DoesNotContain(Token, run.LogText);
        Assert.DoesNotContain(Token, File.ReadAllText(manifestPath));
        Assert.DoesNotContain(Token, File.ReadAllText(Path.ChangeExtension(manifestPath, ".report.html")));
        Assert.DoesNotContain("hooks/stance", run.LogText);
    }

    [Fact]
    public async Task AWebhookOnAClosedPortIsLoggedAsNotDeliveredWithoutTheTokenInItsPath()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}/hooks/{Token}/stance";

        var run = await StanceRunner.RunAsync(
        [
            .. Args(), "--Stance:Alerts:WebhookUrl=" + url,
            "--Stance:Alerts:WebhookRetries=1", "--Stance:Alerts:WebhookRetryDelay=00:00:00.010",
        ]);

        Assert.True(run.ExitCode == ExitCodes.CompletedWithFailures, run.LogText);
        Assert.Contains(run.Log, l => l.Contains("The alert webhook failed (attempt", StringComparison.Ordinal));
        Assert.Contains(run.Log, l => l.StartsWith("Warning Stance.Alerts.AlertWebhook: The alerts were not " +
            "delivered to the webhook at http://127.0.0.1: HttpRequestException", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Log, l => l.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain("hooks/", run.LogText);
        Assert.Empty(_hook.Requests);
    }

    [Fact]
    public void AnExceptionMessageQuotingTheUrlIsScrubbedToTheTypeAndTheRest()
    {
        var url = new Uri($"https://user:pass@hooks.example.com/hooks/{Token}/stance?token={Token}");
        var quoted = new HttpRequestException(
            $"POST {url.AbsoluteUri} failed; path {url.PathAndQuery}, query {url.Query}, " +
            $"as given {url.OriginalString}");

        var scrubbed = AlertWebhook.Scrub(quoted, url);

        Assert.Equal("HttpRequestException: POST … failed; path …, query …, as given …", scrubbed);
        Assert.DoesNotContain(Token, scrubbed);
        Assert.DoesNotContain("pass", scrubbed);
    }

    [Fact]
    public async Task ARunStoppedByTheProviderRefusingTheKeyPostsAFailedRunAlertWithItsManifest()
    {
        Server.Responder = _ => Reply.Status(401);

        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.AuthFailed, run.LogText);
        var body = JsonNode.Parse(Assert.Single(_hook.Requests).Body)!;
        Assert.Equal("failed", body["status"]!.GetValue<string>());
        Assert.NotNull(body["run_id"]);
        Assert.Contains(
            body["alerts"]!.AsArray(),
            a => a!["kind"]!.GetValue<string>() == "failed_run" && a["value"]!.GetValue<double>() == 4);
    }

    [Fact]
    public async Task ARunThatStopsBeforeItsManifestStillPostsAFailedRunAlert()
    {
        File.Delete(Path.Combine(Input, "a.txt"));

        var run = await RunAsync();

        Assert.True(run.ExitCode == ExitCodes.NoInput, run.LogText);
        var body = JsonNode.Parse(Assert.Single(_hook.Requests).Body)!;
        Assert.Equal(9, body["exit_code"]!.GetValue<int>());
        Assert.Equal("failed", body["status"]!.GetValue<string>());
        Assert.Null(body["manifest"]);
        var alert = body["alerts"]!.AsArray().Single()!;
        Assert.Equal("failed_run", alert["kind"]!.GetValue<string>());
        Assert.Contains("before writing its manifest", alert["message"]!.GetValue<string>());
        Assert.DoesNotContain(Token, run.LogText);
    }

    [Fact]
    public async Task AWebhookUrlThatIsNotHttpIsRefusedAtStartWithoutShowingIt()
    {
        var run = await StanceRunner.RunAsync(
            [.. Args(), "--Stance:Alerts:WebhookUrl=ftp://example.invalid/hook?token=" + Token]);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains("Stance:Alerts:WebhookUrl: must be an absolute http or https URL", run.LogText);
        Assert.DoesNotContain(Token, run.LogText);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task AWebhookUrlInARepositoryFileIsRefused()
    {
        var contentRoot = Path.Combine(Folder.Path, "root");
        Directory.CreateDirectory(contentRoot);
        File.WriteAllText(
            Path.Combine(contentRoot, "appsettings.json"),
            "{\"Stance\":{\"Alerts\":{\"WebhookUrl\":\"" + _hook.Url(Token) + "\"}}}");

        var run = await StanceRunner.RunAsync([.. Args(), "--contentRoot", contentRoot]);

        Assert.Equal(ExitCodes.ConfigurationError, run.ExitCode);
        Assert.Contains("Stance:Alerts:WebhookUrl: found in appsettings.json", run.LogText);
        Assert.Empty(_hook.Requests);
        Assert.DoesNotContain(Token, run.LogText);
    }

    private Task<RunResult> RunAsync() => StanceRunner.RunAsync(
    [
        .. Args(), "--Stance:Alerts:WebhookUrl=" + _hook.Url(Token),
        "--Stance:Alerts:WebhookRetries=2", "--Stance:Alerts:WebhookRetryDelay=00:00:00.010",
    ]);

    // A loopback port that was just free: bound, read and released, so a connection to it is refused.
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private string[] Args() =>
    [
        "--input", Input, "--output", Output, "--prompts", RepoPaths.Prompts,
        "--provider", "openai", "--endpoint", Server.Endpoint, "--model", "test-model", "--Stance:Llm:ApiKey=k",
        "--concurrency", "1",
    ];

    public override async Task DisposeAsync()
    {
        await _hook.DisposeAsync();
        await base.DisposeAsync();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stance.Hosting;
using Stance.Scoring;

namespace Stance.Tests.Support;

/// <summary>The production service wiring pointed at a test server, to get the real scorer (SK + Polly +
/// HttpClient).</summary>
internal sealed class ScorerHost : IDisposable
{
    private readonly IHost _host;

    private ScorerHost(IHost host) => _host = host;

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The scorer the job would use.</summary>
    public IParagraphScorer Scorer => _host.Services.GetRequiredService<IParagraphScorer>();

    /// <summary>The pacer the scorer's requests go through.</summary>
    public Stance.Scoring.Pacing.RatePacer Pacer =>
        _host.Services.GetRequiredService<Stance.Scoring.Pacing.RatePacer>();

    /// <summary>Builds the host with short retry delays; <paramref name="args"/> come after the defaults and
    /// win.</summary>
    public static ScorerHost Create(
        OpenAiTestServer server, string[]? args = null, Action<IServiceCollection>? configure = null)
    {
        string[] defaults =
        [
            "--provider", "openai", "--endpoint", server.Endpoint, "--model", "test-model",
            "--prompts", RepoPaths.Prompts,
            "--input", RepoPaths.Data, "--Stance:Llm:ApiKey=test-key",
            "--Stance:Resilience:BaseDelay=00:00:00.005", "--Stance:Resilience:MaxDelay=00:00:00.050",
            "--Stance:Resilience:AttemptTimeout=00:00:10", "--Stance:Resilience:ParagraphTimeout=00:00:30",
        ];
        var builder = StanceApp.CreateBuilder([.. defaults, .. args ?? []]);
        configure?.Invoke(builder.Services);
        return new ScorerHost(builder.Build());
    }

    public void Dispose() => _host.Dispose();
}

using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Stance.Scoring.Llm;

namespace Stance.Tests.Scoring;

/// <summary>The run-level watchdog on a fake clock: its timer exists from construction, so every advance is
/// seen.</summary>
public sealed class ProgressWatchdogTests : IDisposable
{
    private readonly FakeTimeProvider _time =
        new(DateTimeOffset.Parse("2026-12-01T02:00:00Z", CultureInfo.InvariantCulture));
    private readonly ProgressWatchdog _watchdog;

    public ProgressWatchdogTests() => _watchdog = new ProgressWatchdog(TimeSpan.FromSeconds(3), _time);

    public void Dispose() => _watchdog.Dispose();

    [Fact]
    public void ItTripsOnceAttemptsHaveBeenInFlightForTheWholeSpanWithoutProgress()
    {
        _watchdog.AttemptStarted();
        _watchdog.AttemptStarted();

        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(_watchdog.Token.IsCancellationRequested);

        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(_watchdog.Token.IsCancellationRequested);
        Assert.Contains("Stance:Resilience:NoProgressTimeout 00:00:03", _watchdog.Reason);
    }

    [Fact]
    public void ANewRunDoesNotInheritTheWaitSpentByTheRunBeforeIt()
    {
        _watchdog.AttemptStarted();
        _time.Advance(TimeSpan.FromSeconds(2.5));
        _watchdog.AttemptEnded(progress: false); // the first night ends after 2.5 s of failing attempts

        _watchdog.RunStarted();
        _watchdog.AttemptStarted();
        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(_watchdog.Token.IsCancellationRequested);

        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(_watchdog.Token.IsCancellationRequested);
    }

    [Fact]
    public void TimeWithNothingInFlightDoesNotCount()
    {
        _watchdog.AttemptStarted();
        _time.Advance(TimeSpan.FromSeconds(2));
        _watchdog.AttemptEnded(progress: false);

        _time.Advance(TimeSpan.FromHours(1)); // a long wait the provider asked for, at the closed gate
        _watchdog.AttemptStarted();
        _time.Advance(TimeSpan.FromSeconds(0.9));
        Assert.False(_watchdog.Token.IsCancellationRequested);

        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(_watchdog.Token.IsCancellationRequested);
    }

    [Fact]
    public void AnAnswerStartsTheSpanAgain()
    {
        _watchdog.AttemptStarted();
        _watchdog.AttemptStarted();
        _time.Advance(TimeSpan.FromSeconds(2.5));
        _watchdog.AttemptEnded(progress: true);

        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(_watchdog.Token.IsCancellationRequested);

        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(_watchdog.Token.IsCancellationRequested);
    }

    [Fact]
    public void AfterATripAndTheLastAttemptEndingTheNextRunStartsAfresh()
    {
        _watchdog.AttemptStarted();
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(_watchdog.Token.IsCancellationRequested);

        _watchdog.AttemptEnded(progress: false);

        Assert.False(_watchdog.Token.IsCancellationRequested);
    }

    [Fact]
    public void TheDefaultsDeriveTheBreakerWindowAndTheWatchdogFromTheAttemptTimeout()
    {
        var defaults = new ResilienceOptions();
        var local = new ResilienceOptions { AttemptTimeout = TimeSpan.FromMinutes(10) };

        Assert.Equal(TimeSpan.FromSeconds(180), defaults.EffectiveBreakerSamplingDuration);
        Assert.Equal(TimeSpan.FromMinutes(5), defaults.EffectiveNoProgressTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), defaults.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(20), local.EffectiveBreakerSamplingDuration);
        Assert.Equal(TimeSpan.FromMinutes(20), local.EffectiveNoProgressTimeout);
    }
}

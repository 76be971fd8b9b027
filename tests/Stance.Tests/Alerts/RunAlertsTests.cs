using Stance.Alerts;
using Stance.Hosting;

namespace Stance.Tests.Alerts;

/// <summary>The run's <c>failed_run</c> alert and the webhook's status word, one place each.</summary>
public sealed class RunAlertsTests
{
    [Theory]
    [InlineData(ExitCodes.Ok, "ok")]
    [InlineData(ExitCodes.CompletedWithFailures, "completed_with_failures")]
    [InlineData(ExitCodes.Crashed, "failed")]
    [InlineData(ExitCodes.ConfigurationError, "failed")]
    [InlineData(ExitCodes.AuthFailed, "failed")]
    [InlineData(ExitCodes.OutputFailed, "failed")]
    [InlineData(ExitCodes.NoInput, "failed")]
    public void EachExitCodeHasTheWebhooksStatusWord(int exitCode, string status)
    {
        Assert.Equal(status, RunAlerts.Status(exitCode));
    }

    [Fact]
    public void AFailedRunAlertNamesTheExitCodeAsItsValueWithoutATargetOrAThreshold()
    {
        var alert = RunAlerts.FailedRun(ExitCodes.AuthFailed, "the run ended with exit code 4");

        Assert.Equal(AlertKinds.FailedRun, alert.Kind);
        Assert.Null(alert.Target);
        Assert.Equal("exit_code", alert.Statistic);
        Assert.Equal(4.0, alert.Value);
        Assert.Null(alert.Threshold);
        Assert.Equal("the run ended with exit code 4", alert.Message);
    }
}

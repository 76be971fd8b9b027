using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Alerts;
using Stance.Documents;
using Stance.Evaluation;
using Stance.Journal;
using Stance.Output;
using Stance.Prompts;
using Stance.Reporting;
using Stance.Review;
using Stance.Scoring;
using Stance.Sharding;
using Stance.Storage.Objects;
using Stance.Telemetry;

namespace Stance.Hosting;

/// <summary>Builds and runs the host; shared by <c>Program</c> and the end-to-end tests.</summary>
internal static partial class StanceApp
{
    /// <summary>The host builder with the job's configuration and services.</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        args = HostingServiceCollectionExtensions.ExpandFlags(args);

        // A batch job reads its settings once: without this the host watches the content root (where out/ and the
        // journal usually are) and wakes on every journal and Parquet write.
        var initial = new ConfigurationManager();
        initial["hostBuilder:reloadConfigOnChange"] = "false";
        var builder = Host.CreateApplicationBuilder(
            new HostApplicationBuilderSettings { Args = args, Configuration = initial });
        builder.Configuration.AddStanceConfiguration(args);
        builder.Services
            .AddStanceStorage()
            .AddStanceInput()
            .AddStancePrompt()
            .AddStanceJournal()
            .AddStanceScoring()
            .AddStanceOutput()
            .AddStanceReporting()
            .AddStanceAlerts()
            .AddStanceTelemetry(builder.Configuration)
            .AddStanceEvaluation()
            .AddStanceSharding()
            .AddStanceReview()
            .AddStanceJob();
        return builder;
    }

    /// <summary>Runs one batch and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(IHost host)
    {
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Stance");
        var outcome = host.Services.GetRequiredService<RunOutcome>();
        try
        {
            // Validate the settings and load the prompt before the host starts, so a bad configuration is
            // reported as such, and before any call is made. A value the binder cannot convert is one line, not a
            // crash.
            var configuration = host.Services.GetRequiredService<IConfiguration>();
            var unconvertible = ConfigurationValues.Unconvertible(configuration);
            if (unconvertible.Count > 0)
            {
                foreach (var problem in unconvertible)
                {
                    LogInvalidConfiguration(logger, problem);
                }

                return ExitCodes.ConfigurationError;
            }

            host.Services.GetRequiredService<IStartupValidator>().Validate();
            _ = host.Services.GetRequiredService<StancePrompt>();
            await host.RunAsync().ConfigureAwait(false);
            return outcome.ExitCode;
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException
            && Failures(ex) is { Count: > 0 } failures)
        {
            foreach (var failure in failures)
            {
                LogInvalidConfiguration(logger, failure);
            }

            return ExitCodes.ConfigurationError;
        }
        catch (PromptException ex)
        {
            LogInvalidConfiguration(logger, ex.Message);
            return ExitCodes.ConfigurationError;
        }
    }

    // Each options type validates on its own; the start-up check throws one exception for one invalid type and an
    // aggregate for several. A type that reads another (the key check reads the LLM settings) may repeat its problems.
    private static List<string> Failures(Exception ex) =>
        (ex is AggregateException aggregate ? aggregate.InnerExceptions : [ex])
            .OfType<OptionsValidationException>()
            .SelectMany(e => e.Failures)
            .Select(ValidationMessages.Named)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    [LoggerMessage(
        EventId = 80,
        Level = LogLevel.Critical,
        Message = "Invalid configuration, nothing was run: {Problem}")]
    private static partial void LogInvalidConfiguration(ILogger logger, string problem);
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Hosting;

/// <summary>Registers the job's configuration sources, the command-line switches and the batch worker.</summary>
internal static class HostingServiceCollectionExtensions
{
    /// <summary>The short switches of the command line and the keys they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--input"] = "Stance:Input",
        ["--output"] = "Stance:Output",
        ["--prompts"] = "Stance:Prompts",
        ["--concurrency"] = "Stance:Concurrency",
        ["--provider"] = "Stance:Llm:Provider",
        ["--endpoint"] = "Stance:Llm:Endpoint",
        ["--model"] = "Stance:Llm:Model",
        ["--schedule"] = "Stance:Schedule",
        ["--rpm"] = "Stance:Rate:RequestsPerMinute",
        ["--eval"] = "Stance:Eval",
        ["--compare"] = "Stance:Compare",
        ["--repeat"] = "Stance:Evaluation:Repeat",
        ["--tpm"] = "Stance:Rate:TokensPerMinute",
        ["--model-path"] = "Stance:Llm:Local:ModelPath",
        ["--shards"] = "Stance:Shards",
        ["--shard-index"] = "Stance:ShardIndex",
        ["--run-name"] = "Stance:RunName",
        ["--export-review"] = "Stance:Review:Export",
        ["--import-review"] = "Stance:Review:Import",
        ["--gold"] = "Stance:Review:Gold",
    };

    /// <summary>Switches without a value and the setting each stands for.</summary>
    public static readonly IReadOnlyDictionary<string, string> Flags =
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--no-cache"] = "--Stance:Cache=false",
            ["--dry-run"] = "--Stance:DryRun=true",
            ["--check-prompts"] = "--Stance:CheckPrompts=true",
            ["--adaptive"] = "--Stance:Rate:AdaptiveConcurrency=true",
            ["--batch"] = "--Stance:Batch:Enabled=true",
            ["--batch-cancel"] = "--Stance:Batch:Cancel=true",
            ["--commit"] = "--Stance:Commit=true",
        };

    /// <summary>Replaces value-less switches (<c>--no-cache</c>) by the key they set, for the command-line
    /// provider.</summary>
    public static string[] ExpandFlags(string[] args) =>
        [.. args.Select(arg => Flags.TryGetValue(arg, out var expanded) ? expanded : arg)];

    /// <summary>Quiet defaults for library log categories, below every other source so appsettings.json can change
    /// them. Polly's own telemetry would log every answer and stack trace; the job logs each retry in one line
    /// instead.</summary>
    private static readonly Dictionary<string, string?> s_logDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Error",
        ["Logging:LogLevel:Microsoft.SemanticKernel"] = "Warning",
        ["Logging:LogLevel:Microsoft.SemanticKernel.KernelFunction"] = "Critical",
    };

    /// <summary>Adds the job's configuration sources: quiet log defaults (lowest), user-secrets (above the JSON files,
    /// below environment variables), and the command line again with the short switches mapped to their keys
    /// (highest).</summary>
    public static IConfigurationManager AddStanceConfiguration(this IConfigurationManager configuration, string[] args)
    {
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = s_logDefaults });
        var lastJsonFile = configuration.Sources
            .Select((source, index) => (source, index))
            .LastOrDefault(s => s.source is JsonConfigurationSource)
            .index;
        var secrets = new ConfigurationBuilder()
            .AddUserSecrets(typeof(HostingServiceCollectionExtensions).Assembly, optional: true)
            .Sources[0];
        configuration.Sources.Insert(lastJsonFile + 1, secrets);
        configuration.AddCommandLine(args, new Dictionary<string, string>(Switches));
        return configuration;
    }

    /// <summary>Adds <see cref="JobOptions"/> (validated at start, with the secrets check), the batch job, the
    /// scheduler, the dry-run planner and the worker that runs the chosen mode and stops the host.</summary>
    public static IServiceCollection AddStanceJob(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobOptions>, JobOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobOptions>, SecretsValidator>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<Scoring.Batch.BatchOptions>, BatchStorageValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RunOutcome>();
        services.AddSingleton<RunSettings>();
        services.AddSingleton<IBatchJob, BatchJob>();
        services.AddSingleton<NightlyScheduler>();
        services.AddSingleton<DryRunPlanner>();
        services.AddSingleton<ShardCommitter>();
        services.AddHostedService<BatchWorker>();
        return services;
    }
}

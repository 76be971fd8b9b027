using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;

namespace Stance.Hosting;

/// <summary>Checks the settings before any call, naming the key and the reason for each problem.</summary>
internal sealed class StanceOptionsValidator(IConfiguration configuration) : IValidateOptions<StanceOptions>
{
    private static readonly string[] s_secrets = ["Stance:Llm:ApiKey", "Stance:Llm:Local:HuggingFace:Token"];

    private static readonly string[] s_providers = ["lexicon", "openai", "azure", Scoring.Local.LocalScoring.ProviderName];

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StanceOptions options)
    {
        var errors = new List<string>();
        var llm = options.Llm;
        var provider = llm.Provider.Trim().ToLowerInvariant();
        if (!s_providers.Contains(provider))
        {
            errors.Add($"Stance:Llm:Provider: '{llm.Provider}' is not one of {string.Join(", ", s_providers)}");
        }

        if (options.Eval is { } gold && !File.Exists(gold))
        {
            errors.Add($"Stance:Eval: the gold file '{Path.GetFullPath(gold)}' does not exist");
        }

        if (options.Eval is null && !Directory.Exists(options.Input))
        {
            errors.Add($"Stance:Input: the folder '{Path.GetFullPath(options.Input)}' does not exist");
        }

        if (string.IsNullOrWhiteSpace(options.Output))
        {
            errors.Add("Stance:Output: must name a folder");
        }

        if (options.RowsPerPart < 1)
        {
            errors.Add($"Stance:RowsPerPart: {options.RowsPerPart} must be at least 1");
        }

        if (options.Concurrency is < 1 or > 512)
        {
            errors.Add($"Stance:Concurrency: {options.Concurrency} is outside 1..512");
        }

        if (llm.Endpoint is not null && (!Uri.TryCreate(llm.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add($"Stance:Llm:Endpoint: '{llm.Endpoint}' is not an absolute http(s) URL");
        }

        // --dry-run and --check-prompts make no call, so they need no key.
        var calls = !options.DryRun && !options.CheckPrompts;
        if (calls && provider == "openai" && llm.Endpoint is null && string.IsNullOrWhiteSpace(llm.ApiKey))
        {
            errors.Add("Stance:Llm:ApiKey: api.openai.com needs a key; set OPENAI_API_KEY (or Stance__Llm__ApiKey, or user-secrets), or give --endpoint for a local server");
        }

        if (provider == "azure")
        {
            if (llm.Endpoint is null)
            {
                errors.Add("Stance:Llm:Endpoint: the azure provider needs the resource URL, e.g. https://NAME.openai.azure.com");
            }

            if (calls && string.IsNullOrWhiteSpace(llm.ApiKey))
            {
                errors.Add("Stance:Llm:ApiKey: the azure provider needs a key; set AZURE_OPENAI_API_KEY (or Stance__Llm__ApiKey, or user-secrets)");
            }
        }

        if (provider is "openai" or "azure" && string.IsNullOrWhiteSpace(llm.Deployment ?? llm.Model))
        {
            errors.Add("Stance:Llm:Model: must name a model (or Stance:Llm:Deployment for azure)");
        }

        if (llm.MaxTokensField is not ("max_completion_tokens" or "max_tokens"))
        {
            errors.Add($"Stance:Llm:MaxTokensField: '{llm.MaxTokensField}' is not max_completion_tokens or max_tokens");
        }

        if (llm.MaxParagraphChars < 100)
        {
            errors.Add($"Stance:Llm:MaxParagraphChars: {llm.MaxParagraphChars} is below 100");
        }

        if (llm.MaxRepairs is < 0 or > 5)
        {
            errors.Add($"Stance:Llm:MaxRepairs: {llm.MaxRepairs} is outside 0..5");
        }

        if (provider == Scoring.Local.LocalScoring.ProviderName)
        {
            Scoring.Local.LocalScoring.Validate(llm.Local, errors);
        }
        else if (!string.IsNullOrWhiteSpace(llm.Local.ModelPath))
        {
            errors.Add($"Stance:Llm:Local:ModelPath: a model file is only used by --provider local (the provider is '{llm.Provider}')");
        }

        ValidateResilience(options.Resilience, errors);
        ValidateOperations(options, errors);
        if (options.Rate.RequestsPerMinute is < 1 || options.Rate.TokensPerMinute is < 1)
        {
            errors.Add("Stance:Rate: --rpm and --tpm must be at least 1 when given");
        }
        foreach (var secret in s_secrets)
        {
            if (KeyKeptInFile(secret) is { } file)
            {
                errors.Add($"{secret}: found in {file}; keys come from environment variables or user-secrets only, never from a file in the repo");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateOperations(StanceOptions options, List<string> errors)
    {
        if (options.Schedule is { } cron)
        {
            try
            {
                NightlyScheduler.Parse(cron);
            }
            catch (Cronos.CronFormatException ex)
            {
                errors.Add($"Stance:Schedule: '{cron}' is not a cron expression ({ex.Message})");
            }
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(options.ScheduleTimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add($"Stance:ScheduleTimeZone: '{options.ScheduleTimeZone}' is not a known time zone");
        }

        if (options.ProgressInterval < TimeSpan.FromMilliseconds(10))
        {
            errors.Add("Stance:ProgressInterval: must be at least 10 ms");
        }

        if (options.Pricing.InputPerMillion < 0 || options.Pricing.OutputPerMillion < 0 || options.Pricing.ExpectedOutputTokens < 0)
        {
            errors.Add("Stance:Pricing: prices and expected tokens cannot be negative");
        }

        if (options.Telemetry.Exporter.Trim().ToLowerInvariant() is not ("none" or "console" or "otlp"))
        {
            errors.Add($"Stance:Telemetry:Exporter: '{options.Telemetry.Exporter}' is not none, console or otlp");
        }
    }

    private static void ValidateResilience(ResilienceOptions resilience, List<string> errors)
    {
        if (resilience.MaxRetries is < 0 or > 20)
        {
            errors.Add($"Stance:Resilience:MaxRetries: {resilience.MaxRetries} is outside 0..20");
        }

        if (resilience.BaseDelay <= TimeSpan.Zero || resilience.MaxDelay < resilience.BaseDelay)
        {
            errors.Add("Stance:Resilience:BaseDelay: must be positive and not above MaxDelay");
        }

        if (resilience.BreakerFailureRatio is <= 0 or > 1 || resilience.BreakerMinimumThroughput < 2
            || resilience.EffectiveBreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add("Stance:Resilience:BreakerFailureRatio: the breaker needs a ratio in (0, 1], MinimumThroughput ≥ 2 and SamplingDuration ≥ 0.5 s");
        }

        if (resilience.AttemptTimeout <= TimeSpan.Zero || resilience.ParagraphTimeout < resilience.AttemptTimeout)
        {
            errors.Add("Stance:Resilience:AttemptTimeout: must be positive and not above ParagraphTimeout");
        }

        if (resilience.EffectiveBreakerSamplingDuration < resilience.AttemptTimeout)
        {
            errors.Add("Stance:Resilience:BreakerSamplingDuration: "
                + $"{resilience.EffectiveBreakerSamplingDuration:c} is below "
                + $"AttemptTimeout {resilience.AttemptTimeout:c}; a hung request fails only when its attempt "
                + "times out, so the breaker would never see it");
        }

        if (resilience.EffectiveNoProgressTimeout < resilience.AttemptTimeout)
        {
            errors.Add($"Stance:Resilience:NoProgressTimeout: {resilience.EffectiveNoProgressTimeout:c} is below "
                + $"AttemptTimeout {resilience.AttemptTimeout:c}; a slow but working provider would be declared down");
        }

        if (resilience.MaxRetryAfter <= TimeSpan.Zero)
        {
            errors.Add($"Stance:Resilience:MaxRetryAfter: {resilience.MaxRetryAfter:c} must be positive");
        }
    }

    private string? KeyKeptInFile(string key) =>
        (configuration as IConfigurationRoot)?.Providers
            .OfType<JsonConfigurationProvider>()
            .Where(p => p.Source.Path is { } path && !path.EndsWith("secrets.json", StringComparison.OrdinalIgnoreCase))
            .Where(p => p.TryGet(key, out var value) && !string.IsNullOrEmpty(value))
            .Select(p => p.Source.Path)
            .FirstOrDefault();
}

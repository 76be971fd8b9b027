using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;
using Stance.Alerts;
using Stance.Scoring;

namespace Stance.Hosting;

/// <summary>Refuses to start when a secret any provider reads (<see cref="ScoringProvider.SecretKeys"/>), or the alert
/// webhook's URL (<see cref="AlertOptions.WebhookUrlKey"/>, which may carry a token), is kept in a JSON file other
/// than user-secrets: keys come from environment variables or user-secrets only.</summary>
internal sealed class SecretsValidator(IConfiguration configuration) : IValidateOptions<JobOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, JobOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        foreach (var secret in ScoringProviders.All.SelectMany(p => p.SecretKeys)
            .Append(AlertOptions.WebhookUrlKey)
            .Distinct(StringComparer.Ordinal))
        {
            if (FileHolding(secret) is { } file)
            {
                errors.AddError($"{secret}: found in {file}; keys come from environment variables or user-secrets "
                    + "only, never from a file in the repo");
            }
        }

        return errors.Build();
    }

    private string? FileHolding(string key) =>
        (configuration as IConfigurationRoot)?.Providers
            .OfType<JsonConfigurationProvider>()
            .Where(p => p.Source.Path is { } path && !path.EndsWith("secrets.json", StringComparison.OrdinalIgnoreCase))
            .Where(p => p.TryGet(key, out var value) && !string.IsNullOrEmpty(value))
            .Select(p => p.Source.Path)
            .FirstOrDefault();
}

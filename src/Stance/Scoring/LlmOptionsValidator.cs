using Microsoft.Extensions.Options;

namespace Stance.Scoring;

/// <summary>Checks <see cref="LlmOptions"/> at start: a known provider, then the rules every provider shares and the
/// provider's own (<see cref="ScoringProvider.Validate"/>); the plain ranges are checked by
/// <see cref="LlmOptionsRangeValidator"/>.</summary>
internal sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        var provider = ScoringProviders.Find(options.Provider);
        if (provider is null)
        {
            errors.AddError($"Stance:Llm:Provider: '{options.Provider}' is not one of {ScoringProviders.Names}");
        }

        if (options.Endpoint is not null
            && (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https")))
        {
            errors.AddError($"Stance:Llm:Endpoint: '{options.Endpoint}' is not an absolute http(s) URL");
        }

        if (options.MaxTokensField is not ("max_completion_tokens" or "max_tokens"))
        {
            errors.AddError(
                $"Stance:Llm:MaxTokensField: '{options.MaxTokensField}' is not max_completion_tokens or max_tokens");
        }

        if (provider is not null and not Local.LocalProvider && !string.IsNullOrWhiteSpace(options.Local.ModelPath))
        {
            errors.AddError("Stance:Llm:Local:ModelPath: a model file is only used by --provider local "
                + $"(the provider is '{options.Provider}')");
        }

        provider?.Validate(options, errors);
        return errors.Build();
    }
}

using Microsoft.Extensions.Options;

namespace Stance.Scoring.Batch;

/// <summary>Checks <see cref="BatchOptions"/> against the provider at start: batch mode needs a provider with a Batch
/// API (openai, azure).</summary>
internal sealed class BatchOptionsValidator(IOptions<LlmOptions> llm) : IValidateOptions<BatchOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BatchOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.Retry.Trim().ToLowerInvariant() is not ("sync" or "batch" or "none"))
        {
            errors.AddError($"Stance:Batch:Retry: '{options.Retry}' is not one of sync, batch, none");
        }

        if ((options.Enabled || options.Cancel) && Provider() is { SupportsBatch: false } provider)
        {
            var supported = string.Join(", ", ScoringProviders.All.Where(p => p.SupportsBatch).Select(p => p.Name));
            errors.AddError($"Stance:Batch: the provider '{provider.Name}' has no Batch API; --batch and "
                + $"--batch-cancel need one of {supported}");
        }

        return errors.Build();
    }

    // The LLM settings report their own problems; the provider is judged only when they are valid.
    private ScoringProvider? Provider()
    {
        try
        {
            return ScoringProviders.Find(llm.Value.Provider);
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }
}

using Microsoft.Extensions.Options;

namespace Stance.Output;

/// <summary>Checks <see cref="OutputOptions"/> at start.</summary>
internal sealed class OutputOptionsValidator : IValidateOptions<OutputOptions>
{
    public ValidateOptionsResult Validate(string? name, OutputOptions options) =>
        options.Replace.ToLowerInvariant() is "documents" or "date"
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Stance:Output:Replace: '{options.Replace}' is not one of documents, date");
}

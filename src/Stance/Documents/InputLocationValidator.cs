using Microsoft.Extensions.Options;
using Stance.Storage;

namespace Stance.Documents;

/// <summary>Refuses an input that is a URL (this version reads local folders only).</summary>
internal sealed class InputLocationValidator : IValidateOptions<InputOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InputOptions options) =>
        StorageLocation.UrlProblem("Stance:Input", options.Input) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}

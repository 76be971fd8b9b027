using Microsoft.Extensions.Options;
using Stance.Storage;

namespace Stance.Documents;

/// <summary>Refuses an input that is a URL other than a supported object store location.</summary>
internal sealed class InputLocationValidator : IValidateOptions<InputOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InputOptions options) =>
        StorageLocation.LocationProblem("Stance:Input", options.Input) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}

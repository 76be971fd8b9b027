using Microsoft.Extensions.Options;

namespace Stance.Storage.Objects;

/// <summary>Refuses a state folder that is a URL: it holds the journal and spooled parts and must be a local disk
/// (the ranges are checked by <see cref="StorageOptionsRangeValidator"/>).</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        StorageLocation.UrlProblem("Stance:Storage:StateFolder", options.StateFolder) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}

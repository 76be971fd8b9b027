using Microsoft.Extensions.Options;
using Stance.Storage;

namespace Stance.Journal;

/// <summary>Refuses a journal that is a URL: the journal is SQLite and needs a local disk (not NFS, not a network
/// share, not an object store).</summary>
internal sealed class JournalOptionsValidator : IValidateOptions<JournalOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, JournalOptions options) =>
        StorageLocation.UrlProblem("Stance:Journal", options.File) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}

using Microsoft.Extensions.Options;
using Stance.Journal;
using Stance.Output;
using Stance.Scoring.Batch;
using Stance.Storage.Objects;

namespace Stance.Hosting;

/// <summary>Refuses <c>--batch</c> with an object-store output unless <c>Stance:Journal</c> names the journal: the
/// batch ledger (which files and batches were submitted) is not saved next to the dataset, so a journal in the default
/// temporary state folder, lost with its pod, would make the next pod submit (and pay for) the batch again.</summary>
internal sealed class BatchStorageValidator(IOptions<OutputOptions> output, IOptions<JournalOptions> journal)
    : IValidateOptions<BatchOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BatchOptions options) =>
        options.Enabled
        && journal.Value.File is null
        && ObjectLocation.TryParse(output.Value.Folder) is not null
            ? ValidateOptionsResult.Fail(
                "Stance:Batch:Enabled: --batch with an object-store output needs Stance:Journal on a disk that " +
                "outlives the machine (a persistent volume): the batch ledger is kept only in the journal, not next " +
                "to the dataset, and a lost ledger would submit and pay for the batch again (docs/object-storage.md)")
            : ValidateOptionsResult.Success;
}

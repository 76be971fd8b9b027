using Microsoft.Extensions.Options;
using Stance.Storage;

namespace Stance.Output;

/// <summary>Checks <see cref="OutputOptions"/> at start: the folder and the replace mode (the ranges are checked by
/// <see cref="OutputOptionsRangeValidator"/>).</summary>
internal sealed class OutputOptionsValidator : IValidateOptions<OutputOptions>
{
    public ValidateOptionsResult Validate(string? name, OutputOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.Folder))
        {
            builder.AddError("Stance:Output: must name a folder");
        }
        else if (StorageLocation.LocationProblem("Stance:Output", options.Folder) is { } problem)
        {
            builder.AddError(problem);
        }

        if (options.Replace.ToLowerInvariant() is not ("documents" or "date"))
        {
            builder.AddError($"Stance:Output:Replace: '{options.Replace}' is not one of documents, date");
        }

        return builder.Build();
    }
}

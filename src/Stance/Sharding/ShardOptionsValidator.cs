using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Stance.Sharding;

/// <summary>Checks the shard's index: with more than one shard it must be given (<c>--shard-index</c>, or
/// <c>JOB_COMPLETION_INDEX</c> in a pod of an Indexed Job) and lie in 0 to N − 1; a <c>--commit</c> step needs
/// none.</summary>
internal sealed class ShardOptionsValidator(IConfiguration configuration) : IValidateOptions<ShardOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ShardOptions options)
    {
        if (!options.Sharded)
        {
            return ValidateOptionsResult.Success;
        }

        var fromEnvironment = configuration[ShardOptions.CompletionIndexVariable];
        if (options.ShardIndex is null && fromEnvironment is not null
            && !int.TryParse(fromEnvironment, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return ValidateOptionsResult.Fail(
                $"{ShardOptions.CompletionIndexVariable}: '{fromEnvironment}' is not a shard index");
        }

        // A --commit step is no shard: it commits the run the shards staged.
        if (options.ShardIndex is null && configuration.GetValue<bool>("Stance:Commit"))
        {
            return ValidateOptionsResult.Success;
        }

        if (options.ShardIndex is not { } index)
        {
            return ValidateOptionsResult.Fail(
                $"Stance:ShardIndex: with --shards {options.Shards} each process needs its shard: set " +
                $"--shard-index (0 to {options.Shards - 1}) or run it in an Indexed Job, which sets " +
                ShardOptions.CompletionIndexVariable);
        }

        return index < 0 || index >= options.Shards
            ? ValidateOptionsResult.Fail(
                $"Stance:ShardIndex: {index} is not a shard of --shards {options.Shards} (0 to {options.Shards - 1})")
            : ValidateOptionsResult.Success;
    }
}

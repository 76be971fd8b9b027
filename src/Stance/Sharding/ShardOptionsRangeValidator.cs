using Microsoft.Extensions.Options;

namespace Stance.Sharding;

/// <summary>Checks the plain ranges of <see cref="ShardOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class ShardOptionsRangeValidator : IValidateOptions<ShardOptions>;

using Microsoft.Extensions.Options;

namespace Stance.Storage.Objects;

/// <summary>Checks the plain ranges of <see cref="StorageOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class StorageOptionsRangeValidator : IValidateOptions<StorageOptions>;

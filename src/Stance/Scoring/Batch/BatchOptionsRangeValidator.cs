using Microsoft.Extensions.Options;

namespace Stance.Scoring.Batch;

/// <summary>Checks the plain ranges of <see cref="BatchOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class BatchOptionsRangeValidator : IValidateOptions<BatchOptions>;

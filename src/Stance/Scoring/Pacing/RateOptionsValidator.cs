using Microsoft.Extensions.Options;

namespace Stance.Scoring.Pacing;

/// <summary>Checks the plain ranges of <see cref="RateOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class RateOptionsValidator : IValidateOptions<RateOptions>;

using Microsoft.Extensions.Options;

namespace Stance.Scoring;

/// <summary>Checks the plain ranges of <see cref="ScoringOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class ScoringOptionsValidator : IValidateOptions<ScoringOptions>;

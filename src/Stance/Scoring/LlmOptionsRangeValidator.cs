using Microsoft.Extensions.Options;

namespace Stance.Scoring;

/// <summary>Checks the plain ranges of <see cref="LlmOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class LlmOptionsRangeValidator : IValidateOptions<LlmOptions>;

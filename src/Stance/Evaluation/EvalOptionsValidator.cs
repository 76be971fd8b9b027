using Microsoft.Extensions.Options;

namespace Stance.Evaluation;

/// <summary>Checks the plain ranges of <see cref="EvalOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class EvalOptionsValidator : IValidateOptions<EvalOptions>;

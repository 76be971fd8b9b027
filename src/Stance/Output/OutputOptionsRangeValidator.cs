using Microsoft.Extensions.Options;

namespace Stance.Output;

/// <summary>Checks the plain ranges of <see cref="OutputOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class OutputOptionsRangeValidator : IValidateOptions<OutputOptions>;

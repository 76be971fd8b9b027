using Microsoft.Extensions.Options;

namespace Stance.Documents;

/// <summary>Checks the plain ranges of <see cref="InputOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class InputOptionsValidator : IValidateOptions<InputOptions>;

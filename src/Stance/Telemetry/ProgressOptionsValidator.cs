using Microsoft.Extensions.Options;

namespace Stance.Telemetry;

/// <summary>Checks the plain ranges of <see cref="ProgressOptions"/> at start (generated from its
/// attributes).</summary>
[OptionsValidator]
internal sealed partial class ProgressOptionsValidator : IValidateOptions<ProgressOptions>;

using Microsoft.Extensions.Options;

namespace Stance.Alerts;

/// <summary>Checks the plain ranges of <see cref="AlertOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class AlertOptionsRangeValidator : IValidateOptions<AlertOptions>;

using Microsoft.Extensions.Options;

namespace Stance.Scoring;

/// <summary>Checks the range of <see cref="BudgetOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class BudgetOptionsValidator : IValidateOptions<BudgetOptions>;

using Microsoft.Extensions.Options;

namespace Stance.Review;

/// <summary>Checks the plain ranges of <see cref="ReviewOptions"/> at start (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class ReviewOptionsRangeValidator : IValidateOptions<ReviewOptions>;

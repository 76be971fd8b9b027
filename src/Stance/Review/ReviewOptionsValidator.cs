using System.Globalization;
using Microsoft.Extensions.Options;

namespace Stance.Review;

/// <summary>Checks what the attributes of <see cref="ReviewOptions"/> cannot: that <c>Stance:Review:RunDate</c> is a
/// real date.</summary>
internal sealed class ReviewOptionsValidator : IValidateOptions<ReviewOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ReviewOptions options) =>
        options.RunDate is { } date && !DateOnly.TryParseExact(
            date, ReviewOptions.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? ValidateOptionsResult.Fail($"Stance:Review:RunDate: '{date}' is not a date yyyy-MM-dd")
            : ValidateOptionsResult.Success;
}

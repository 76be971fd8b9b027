namespace Stance.Evaluation.Agreement;

/// <summary>An agreement coefficient between two or more label sources with its 95 % bootstrap interval.</summary>
/// <param name="Measure">The coefficient: <see cref="AgreementBootstrap.AlphaMeasure"/> or
/// <see cref="AgreementBootstrap.KappaMeasure"/>.</param>
/// <param name="Between">Who agrees, e.g. <c>model vs gold</c> or <c>3 repeats</c>.</param>
/// <param name="Value">The coefficient on the units as given; NaN when it is undefined (no variation in the values,
/// or no units).</param>
/// <param name="Low">The 2.5th percentile of the resampled coefficients; NaN when no resample is defined.</param>
/// <param name="High">The 97.5th percentile of the resampled coefficients; NaN when no resample is defined.</param>
/// <param name="Units">The units resampled: for α the units with at least two values, for κ the pairs.</param>
internal sealed record AgreementEstimate(
    string Measure, string Between, double Value, double Low, double High, int Units)
{
    /// <summary>The number of bootstrap resamples drawn (0 when not bootstrapped).</summary>
    public int Resamples { get; init; }

    /// <summary>The seed of the resamples' <see cref="Random"/>.</summary>
    public int Seed { get; init; }

    /// <summary>The resamples whose coefficient was undefined (left out of the interval's percentiles).</summary>
    public int UndefinedResamples { get; init; }
}

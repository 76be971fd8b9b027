using Microsoft.Extensions.Options;

namespace Stance.Scoring.Llm;

/// <summary>Checks <see cref="ResilienceOptions"/> at start, including the rules that tie its values
/// together.</summary>
internal sealed class ResilienceOptionsValidator : IValidateOptions<ResilienceOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ResilienceOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.MaxRetries is < 0 or > 20)
        {
            errors.AddError($"Stance:Resilience:MaxRetries: {options.MaxRetries} is outside 0..20");
        }

        if (options.BaseDelay <= TimeSpan.Zero || options.MaxDelay < options.BaseDelay)
        {
            errors.AddError("Stance:Resilience:BaseDelay: must be positive and not above MaxDelay");
        }

        if (options.BreakerFailureRatio is <= 0 or > 1 || options.BreakerMinimumThroughput < 2
            || options.EffectiveBreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.AddError("Stance:Resilience:BreakerFailureRatio: the breaker needs a ratio in (0, 1], "
                + "MinimumThroughput ≥ 2 and SamplingDuration ≥ 0.5 s");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.ParagraphTimeout < options.AttemptTimeout)
        {
            errors.AddError("Stance:Resilience:AttemptTimeout: must be positive and not above ParagraphTimeout");
        }

        if (options.EffectiveBreakerSamplingDuration < options.AttemptTimeout)
        {
            errors.AddError("Stance:Resilience:BreakerSamplingDuration: "
                + $"{options.EffectiveBreakerSamplingDuration:c} is below AttemptTimeout {options.AttemptTimeout:c}; "
                + "a hung request fails only when its attempt times out, so the breaker would never see it");
        }

        if (options.EffectiveNoProgressTimeout < options.AttemptTimeout)
        {
            errors.AddError($"Stance:Resilience:NoProgressTimeout: {options.EffectiveNoProgressTimeout:c} is below "
                + $"AttemptTimeout {options.AttemptTimeout:c}; a slow but working provider would be declared down");
        }

        if (options.MaxRetryAfter <= TimeSpan.Zero)
        {
            errors.AddError($"Stance:Resilience:MaxRetryAfter: {options.MaxRetryAfter:c} must be positive");
        }

        return errors.Build();
    }
}

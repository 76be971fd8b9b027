using Microsoft.Extensions.Options;

namespace Stance.Alerts;

/// <summary>Checks <see cref="AlertOptions.WebhookUrl"/> at start: an absolute http or https URL. The message never
/// repeats the value, which may hold a token.</summary>
internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.WebhookUrl))
        {
            return ValidateOptionsResult.Success;
        }

        return Uri.TryCreate(options.WebhookUrl.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"{AlertOptions.WebhookUrlKey}: must be an absolute http or https URL (the value is not shown)");
    }
}

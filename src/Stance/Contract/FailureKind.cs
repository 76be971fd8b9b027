namespace Stance.Contract;

/// <summary>The <c>error_kind</c> values: why a paragraph has no answer, or why a run stopped.</summary>
internal static class FailureKind
{
    /// <summary>The answer stayed invalid after the bounded re-asks.</summary>
    public const string InvalidAnswer = "invalid_answer";

    /// <summary>The answer was cut off at the token limit, even with more room.</summary>
    public const string CutOff = "cut_off";

    /// <summary>The provider's content filter refused the paragraph (status <c>filtered</c>).</summary>
    public const string ContentFilter = "content_filter";

    /// <summary>The paragraph does not fit the model's context.</summary>
    public const string ContextTooLong = "context_too_long";

    /// <summary>The paragraph is longer than <c>Stance:MaxParagraphChars</c> and was not sent.</summary>
    public const string TooLong = "too_long";

    /// <summary>Another 4xx the provider will not accept however often it is sent.</summary>
    public const string BadRequest = "bad_request";

    /// <summary>429 until the retries ran out.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>5xx until the retries ran out.</summary>
    public const string ServerError = "server_error";

    /// <summary>Refused, reset or dropped connections, or unreadable bodies, until the retries ran out.</summary>
    public const string Network = "network";

    /// <summary>Attempts or the whole ask timed out.</summary>
    public const string Timeout = "timeout";

    /// <summary>401 or 403: the run stops.</summary>
    public const string Auth = "auth";

    /// <summary>429 insufficient_quota: the run stops.</summary>
    public const string Quota = "quota";

    /// <summary>The circuit breaker opened: the provider is down and the run stops.</summary>
    public const string ProviderDown = "provider_down";

    /// <summary>Not sent because the run stopped first.</summary>
    public const string Aborted = "aborted";

    /// <summary>A batch answered the line with an error status (or not at all).</summary>
    public const string BatchLineError = "batch_line_error";

    /// <summary>The batch expired before it answered the line.</summary>
    public const string BatchExpired = "batch_expired";

    /// <summary>The batch was cancelled before it answered the line.</summary>
    public const string BatchCancelled = "batch_cancelled";

    /// <summary>Not sent (or its request file not submitted) because it would pass <c>Stance:Budget:MaxCost</c>; the
    /// run makes no further paid call.</summary>
    public const string Budget = "budget";
}

namespace Stance.Hosting;

/// <summary>The job's settings, bound from the <c>Stance</c> section (appsettings.json, environment, command line).</summary>
internal sealed class StanceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>The folder read recursively for <c>.txt</c>, <c>.md</c> and <c>.jsonl</c> files.</summary>
    public string Input { get; set; } = "data";

    /// <summary>The folder the Parquet tables are written under.</summary>
    public string Output { get; set; } = "out";

    /// <summary>The folder of prompt folders (or a prompt folder itself).</summary>
    public string Prompts { get; set; } = "prompts";

    /// <summary>The prompt folder's name inside <see cref="Prompts"/>.</summary>
    public string Prompt { get; set; } = "stance";

    /// <summary>How many paragraphs are scored at once.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Rows per Parquet part file; a run's tables roll over to a new part after this many rows.</summary>
    public int RowsPerPart { get; set; } = Stance.Output.ParquetOutput.DefaultRowsPerPart;

    /// <summary>The journal of paid answers (SQLite); default <c>&lt;Output&gt;/.stance/journal.db</c>.</summary>
    public string? Journal { get; set; }

    /// <summary>Reuse answers journaled by earlier runs (false: <c>--no-cache</c>; a resumed run still reuses its own).</summary>
    public bool Cache { get; set; } = true;

    /// <summary>Only validate the prompt folder and the settings, then exit (<c>--check-prompts</c>).</summary>
    public bool CheckPrompts { get; set; }

    /// <summary>Print the plan (documents, paragraphs, cache hits, calls, tokens, cost) and exit without a call (<c>--dry-run</c>).</summary>
    public bool DryRun { get; set; }

    /// <summary>A gold JSONL file to evaluate the prompt and provider on, instead of a run (<c>--eval</c>).</summary>
    public string? Eval { get; set; }

    /// <summary>A cron expression (5 fields, or 6 with seconds): keep running and start a run at each occurrence.</summary>
    public string? Schedule { get; set; }

    /// <summary>The time zone the schedule is read in (IANA or Windows id).</summary>
    public string ScheduleTimeZone { get; set; } = "UTC";

    /// <summary>How often progress is logged when the output is not a terminal.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Prices for the cost estimates.</summary>
    public PricingOptions Pricing { get; set; } = new();

    /// <summary>Where metrics go.</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>The model provider.</summary>
    public LlmOptions Llm { get; set; } = new();

    /// <summary>Retries and timeouts around each LLM call.</summary>
    public ResilienceOptions Resilience { get; set; } = new();

    /// <summary>Client-side pacing and adaptive concurrency.</summary>
    public RateOptions Rate { get; set; } = new();

    /// <summary>The largest <c>.txt</c> / <c>.md</c> file and JSONL line read as one document; larger is a bad
    /// document.</summary>
    public long MaxDocumentBytes { get; set; } = Stance.Documents.ReadOptions.DefaultMaxDocumentBytes;
}

/// <summary>Which model answers, and how to reach it.</summary>
internal sealed class LlmOptions
{
    /// <summary><c>lexicon</c> (offline baseline, the default), <c>openai</c>, <c>azure</c> or <c>local</c> (a GGUF model in-process).</summary>
    public string Provider { get; set; } = "lexicon";

    /// <summary>An OpenAI-compatible base URL (e.g. <c>http://localhost:11434/v1</c>), or the Azure resource URL.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The model name (OpenAI) or deployment name (Azure, when <see cref="Deployment"/> is not set).</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>The Azure OpenAI deployment name.</summary>
    public string? Deployment { get; set; }

    /// <summary>The API key; from environment variables or user-secrets only, never from a file in the repo.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The request field that bounds the answer: <c>max_completion_tokens</c> (OpenAI) or <c>max_tokens</c> (older servers).</summary>
    public string MaxTokensField { get; set; } = "max_completion_tokens";

    /// <summary>How many times an invalid answer is asked again, with the reason, before the paragraph fails.</summary>
    public int MaxRepairs { get; set; } = 2;

    /// <summary>Reject answers that leave out a watched target the paragraph names literally.</summary>
    public bool RequireMentionedTargets { get; set; } = true;

    /// <summary>The in-process model of the <c>local</c> provider.</summary>
    public Scoring.Local.LocalModelOptions Local { get; set; } = new();

    /// <summary>Longer paragraphs are not sent; they are written as failed with <c>error_kind = too_long</c>.</summary>
    public int MaxParagraphChars { get; set; } = 20_000;
}

/// <summary>The Polly pipeline around each LLM call.</summary>
internal sealed class ResilienceOptions
{
    /// <summary>Retries after the first attempt, for transient faults (429, 5xx, 408, network, attempt timeout).</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first backoff delay; it doubles each retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay (a provider's Retry-After is honoured even when longer).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The bound on all attempts and waits for one ask of one paragraph.</summary>
    public TimeSpan ParagraphTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The circuit opens (and the run stops) when at least this share of attempts fails ...</summary>
    public double BreakerFailureRatio { get; set; } = 0.9;

    /// <summary>... over at least this many attempts ...</summary>
    public int BreakerMinimumThroughput { get; set; } = 20;

    /// <summary>... within this window; not below <see cref="AttemptTimeout"/>, or a hung request (which fails only
    /// when its attempt times out) could never count. Default: 60 s or twice the attempt timeout, whichever is
    /// longer.</summary>
    public TimeSpan? BreakerSamplingDuration { get; set; }

    /// <summary>The run stops as provider_down (exit 6) when no attempt has got an answer or a response other than a
    /// server fault for this long while attempts were in flight. Default: 5 minutes or twice the attempt timeout,
    /// whichever is longer; not below <see cref="AttemptTimeout"/>.</summary>
    public TimeSpan? NoProgressTimeout { get; set; }

    /// <summary>A provider asking to wait longer than this (Retry-After) stops the run at once (exit 6).</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The breaker's window in force.</summary>
    public TimeSpan EffectiveBreakerSamplingDuration =>
        BreakerSamplingDuration ?? Max(TimeSpan.FromSeconds(60), AttemptTimeout * 2);

    /// <summary>The watchdog's span in force.</summary>
    public TimeSpan EffectiveNoProgressTimeout => NoProgressTimeout ?? Max(TimeSpan.FromMinutes(5), AttemptTimeout * 2);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>Prices per million tokens, for the dry-run plan and the run summary.</summary>
internal sealed class PricingOptions
{
    /// <summary>Price of a million input (prompt) tokens.</summary>
    public double InputPerMillion { get; set; }

    /// <summary>Price of a million output (completion) tokens.</summary>
    public double OutputPerMillion { get; set; }

    /// <summary>The currency the prices are in, for display.</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>The output tokens a dry run expects per call.</summary>
    public int ExpectedOutputTokens { get; set; } = 250;

    /// <summary>The cost of the given tokens at these prices.</summary>
    public double Cost(long inputTokens, long outputTokens) =>
        Math.Round((inputTokens * InputPerMillion / 1e6) + (outputTokens * OutputPerMillion / 1e6), 6);
}

/// <summary>Metrics export through OpenTelemetry.</summary>
internal sealed class TelemetryOptions
{
    /// <summary><c>none</c>, <c>console</c> or <c>otlp</c>.</summary>
    public string Exporter { get; set; } = "none";

    /// <summary>The OTLP endpoint (default: the exporter's own, http://localhost:4317).</summary>
    public string? OtlpEndpoint { get; set; }
}

/// <summary>How fast requests may go.</summary>
internal sealed class RateOptions
{
    /// <summary>Requests per minute the client never exceeds (<c>--rpm</c>); null: unlimited, or learned from headers.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens per minute (prompt estimate + max tokens per request) the client never exceeds (<c>--tpm</c>).</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Adopt the <c>x-ratelimit-limit-*</c> the provider announces when no limit is configured.</summary>
    public bool UseProviderHeaders { get; set; } = true;

    /// <summary>Let the number of requests in flight adapt (AIMD) up to <c>Concurrency</c> (<c>--adaptive</c>).</summary>
    public bool AdaptiveConcurrency { get; set; }
}

using System.Diagnostics.Metrics;

namespace Stance.Telemetry;

/// <summary>The job's instruments on the <c>Stance</c> meter; an OpenTelemetry exporter picks them up by
/// name.</summary>
internal sealed class StanceMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Stance";

    private readonly Counter<long> _paragraphs;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _tokens;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _alerts;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public StanceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _paragraphs = meter.CreateCounter<long>(
            "stance.paragraphs",
            "{paragraph}",
            "Paragraphs finished, by status and whether the answer was reused");
        _requests = meter.CreateCounter<long>("stance.llm.requests", "{request}", "HTTP requests sent to the LLM");
        _retries = meter.CreateCounter<long>("stance.llm.retries", "{retry}", "Requests sent again, by reason");
        _tokens = meter.CreateCounter<long>(
            "stance.llm.tokens",
            "{token}",
            "Tokens reported by the provider, by direction");
        _latency = meter.CreateHistogram<double>("stance.llm.duration", "ms", "Duration of one LLM request");
        _alerts = meter.CreateCounter<long>(
            "stance.alerts",
            "{alert}",
            "Alerts raised by runs (drift, failed_run, failure_share), by kind");
    }

    /// <summary>Counts a finished paragraph.</summary>
    public void Paragraph(string status, bool fromCache) =>
        _paragraphs.Add(
            1,
            new KeyValuePair<string, object?>("status", status),
            new KeyValuePair<string, object?>("from_cache", fromCache));

    /// <summary>Counts a request and records its duration.</summary>
    public void Request(double milliseconds, bool succeeded)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "answered" : "failed"));
        _latency.Record(milliseconds);
    }

    /// <summary>Counts a retry or re-ask.</summary>
    public void Retry(string reason) => _retries.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts an alert a run raised.</summary>
    public void Alert(string kind) => _alerts.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Counts tokens.</summary>
    public void Tokens(int? input, int? output)
    {
        if (input is > 0)
        {
            _tokens.Add(input.Value, new KeyValuePair<string, object?>("direction", "input"));
        }

        if (output is > 0)
        {
            _tokens.Add(output.Value, new KeyValuePair<string, object?>("direction", "output"));
        }
    }
}

using System.Collections.Concurrent;

namespace Stance.Telemetry;

/// <summary>Live counts of the current run, read by the progress display and the summary, mirrored into the
/// metrics.</summary>
internal sealed class RunProgress(StanceMetrics metrics, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, int> _retries = new(StringComparer.Ordinal);
    private int _documents;
    private int _total;
    private int _ok;
    private int _failed;
    private int _filtered;
    private int _cached;
    private int _requests;
    private long _started;

    /// <summary>Retries and re-asks of the run so far, by reason.</summary>
    public IReadOnlyDictionary<string, int> RetriesByReason => _retries;

    /// <summary>Starts counting a run of <paramref name="paragraphs"/> paragraphs.</summary>
    public void Start(int documents, int paragraphs)
    {
        _retries.Clear();
        (_documents, _total, _ok, _failed, _filtered, _cached, _requests) = (documents, paragraphs, 0, 0, 0, 0, 0);
        _started = time.GetTimestamp();
    }

    /// <summary>Counts a finished paragraph.</summary>
    public void Finished(string status, bool fromCache, int? inputTokens, int? outputTokens)
    {
        switch (status)
        {
            case "ok":
                Interlocked.Increment(ref _ok);
                break;
            case "filtered":
                Interlocked.Increment(ref _filtered);
                break;
            default:
                Interlocked.Increment(ref _failed);
                break;
        }

        if (fromCache)
        {
            Interlocked.Increment(ref _cached);
        }

        metrics.Paragraph(status, fromCache);
        metrics.Tokens(inputTokens, outputTokens);
    }

    /// <summary>Counts a request sent.</summary>
    public void Request(double milliseconds, bool succeeded)
    {
        Interlocked.Increment(ref _requests);
        metrics.Request(milliseconds, succeeded);
    }

    /// <summary>Counts a retry or re-ask.</summary>
    public void Retry(string reason)
    {
        _retries.AddOrUpdate(reason, 1, (_, n) => n + 1);
        metrics.Retry(reason);
    }

    /// <summary>The counts now, with rate and ETA.</summary>
    public ProgressSnapshot Snapshot()
    {
        var elapsed = time.GetElapsedTime(_started);
        var done = Volatile.Read(ref _ok) + Volatile.Read(ref _failed) + Volatile.Read(ref _filtered);
        var requests = Volatile.Read(ref _requests);
        var sent = done - Volatile.Read(ref _cached);
        var rate = elapsed.TotalSeconds > 0 ? sent / elapsed.TotalSeconds : 0;
        TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds((_total - done) / rate) : null;
        return new ProgressSnapshot(_documents, _total, done, _ok, _failed, _filtered, _cached, requests,
            elapsed.TotalSeconds > 0 ? requests / elapsed.TotalSeconds : 0, elapsed, eta);
    }
}

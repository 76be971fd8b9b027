using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stance.Contract;
using Stance.Journal;
using Stance.Paragraphs;
using Stance.Telemetry;

namespace Stance.Scoring;

/// <summary>Scores paragraphs as they are read, through a bounded channel and a fixed number of workers, so memory does
/// not grow with the corpus. Answers already journaled are reused; a text being scored by one worker is not asked again
/// by another; every ok answer is journaled before it counts; after a run-ending failure the rest get rows without
/// calls.</summary>
internal sealed partial class ScoringRun(
    IParagraphScorer scorer,
    JournalSession journal,
    IOptions<JournalOptions> options,
    RunProgress progress,
    TimeProvider time,
    ILogger<ScoringRun> logger)
{
    private ResultStore? Store => journal.Store;

    /// <summary>The scorer this run asks; by default the provider's. A batch run's scoring pass reads its batch
    /// lines through <c>BatchAnswers</c> instead.</summary>
    public IParagraphScorer Scorer { get; set; } = scorer;

    private readonly ConcurrentDictionary<string, Task<ScoreOutcome>> _inFlight = new(StringComparer.Ordinal);
    private RunAbortedException? _abort;
    private Sink? _sink;

    /// <summary>Why the run stopped early, if it did.</summary>
    public RunAbortedException? Abort => _abort;

    /// <summary>Scores every paragraph of <paramref name="paragraphs"/> and writes each outcome to
    /// <paramref name="results"/>. When the reader of <paramref name="results"/> fails (it completes the channel with
    /// its error), no new call is made, the calls in flight finish and are journaled, and the reader's error is
    /// thrown.</summary>
    public async Task RunAsync(
        RunStamp run,
        IEnumerable<Paragraph> paragraphs,
        int concurrency,
        Channel<ScoredParagraph> results,
        CancellationToken cancellationToken,
        CancellationToken sinkFailed = default)
    {
        using var calls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var feed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var queue = Channel.CreateBounded<Paragraph>(
            new BoundedChannelOptions(concurrency * 2) { SingleWriter = true });
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    foreach (var paragraph in paragraphs)
                    {
                        await queue.Writer.WriteAsync(paragraph, feed.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                    when (feed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // The sink failed: stop reading.
                }
                finally
                {
                    queue.Writer.Complete();
                }
            },
            cancellationToken);
        var journaled = new PendingForwards();
        var sink = new Sink(results.Writer, feed, sinkFailed);
        _sink = sink;
        using var stopReading = sinkFailed.Register(static state => ((CancellationTokenSource)state!).Cancel(), feed);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(
            async () =>
            {
                // This worker's newest answer not yet on disk, then handed to the writer. Its next paid request waits
                // for it, so a crash loses at most one answer or request per worker, and calls never run ahead of the
                // writer by more than the rows channel; reading and cache look-ups still overlap the fsync.
                var uncommitted = Task.CompletedTask;
                await foreach (var paragraph in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (sink.Failed)
                    {
                        break;
                    }

                    var (scored, recording) = await ScoreAsync(run, paragraph, uncommitted, calls, cancellationToken)
                        .ConfigureAwait(false);
                    if (recording.IsCompleted)
                    {
                        if (recording.Exception is { } failed)
                        {
                            sink.Fail(failed.InnerException ?? failed);
                            continue;
                        }

                        await sink.WriteAsync(scored, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        // The worker moves on to its next paragraph while the journal commits; the row follows the
                        // commit.
                        var forward = ForwardWhenJournaledAsync(recording, scored, sink, cancellationToken);
                        journaled.Track(forward);
                        uncommitted = forward;
                    }
                }

                await uncommitted.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            },
            cancellationToken));
        await Task.WhenAll(workers.Append(producer)).ConfigureAwait(false);
        await journaled.WhenAllAsync().ConfigureAwait(false);
        sink.ThrowIfFailed();
    }

    private static async Task ForwardWhenJournaledAsync(
        Task recording,
        ScoredParagraph scored,
        Sink sink,
        CancellationToken cancellationToken)
    {
        try
        {
            await recording.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The journal could not record a paid answer: pay for nothing more.
            sink.Fail(ex);
            return;
        }

        await sink.WriteAsync(scored, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Where rows go. Once its reader has failed (or the journal could not record an answer), no call is
    /// started, rows are dropped (the run will not write tables) and reading the input stops; the answers in flight
    /// are still journaled, so nothing paid for is lost.</summary>
    private sealed class Sink(
        ChannelWriter<ScoredParagraph> writer,
        CancellationTokenSource feed,
        CancellationToken readerFailed)
    {
        private volatile Exception? _failure;

        public bool Failed => _failure is not null || readerFailed.IsCancellationRequested;

        /// <summary>Stops the run's calls for <paramref name="reason"/> (the first reason is kept).</summary>
        public void Fail(Exception reason)
        {
            Interlocked.CompareExchange(ref _failure, reason, null);
            feed.Cancel();
        }

        /// <summary>Throws the reason the run stopped: the reader's own error, or the journal's.</summary>
        public void ThrowIfFailed()
        {
            if (_failure is { } failure)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }

        public async ValueTask WriteAsync(ScoredParagraph scored, CancellationToken cancellationToken)
        {
            if (Failed)
            {
                return;
            }

            try
            {
                await writer.WriteAsync(scored, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException closed)
            {
                Fail(closed.InnerException ?? closed);
            }
        }
    }

    private async Task<(ScoredParagraph Scored, Task Recording)> ScoreAsync(
        RunStamp run,
        Paragraph paragraph,
        Task uncommitted,
        CancellationTokenSource calls,
        CancellationToken cancellationToken)
    {
        // Past the budget the run still takes what costs nothing (the journal's answers, a batch's lines); its scorer
        // refuses each paid request.
        if (Volatile.Read(ref _abort) is { } abort && abort.Kind != FailureKind.Budget)
        {
            return (Finish(paragraph, Aborted(abort), time.GetUtcNow()), Task.CompletedTask);
        }

        var key = RequestKey.For(paragraph, run.PromptSha256, run.Provider, run.Model);
        var mine = new TaskCompletionSource<ScoreOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!_inFlight.TryAdd(key, mine.Task))
        {
            // Another worker owns this request. Its entry lives until its answer is on disk (or known failed), so
            // either it is still here, or the journal has the answer by the time we look again.
            if (_inFlight.TryGetValue(key, out var owner))
            {
                var twin = await owner.WaitAsync(cancellationToken).ConfigureAwait(false);
                var reused = twin with
                {
                    Attempts = 0,
                    InputTokens = null,
                    OutputTokens = null,
                    CachedInputTokens = null,
                    LatencyMs = 0,
                    FromCache = twin.Status == ParagraphStatus.Ok,
                };
                return (Finish(paragraph, reused, time.GetUtcNow()), Task.CompletedTask);
            }
        }

        // This worker owns the request now. Looked up only after taking ownership: an earlier owner leaves only once
        // its answer is committed, so no answer can slip between this look-up and the call below.
        var recording = Task.CompletedTask;
        try
        {
            if (Store?.Find(key) is { } stored && Reusable(stored, run) is { } cached)
            {
                mine.TrySetResult(cached.Outcome);
                return (Finish(paragraph, cached.Outcome, cached.At), Task.CompletedTask);
            }

            // a failed write surfaces with its own row
            await uncommitted.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_sink?.Failed == true)
            {
                // The tables or the journal cannot be written: this run pays for nothing more.
                var stopped = ScoreOutcome.Failed(
                    FailureKind.Aborted,
                    "not scored: the run stopped (its output could not be written)",
                    0,
                    null,
                    null,
                    0);
                mine.TrySetResult(stopped);
                return (new ScoredParagraph(paragraph, stopped, time.GetUtcNow()), Task.CompletedTask);
            }

            var outcome = await CallAsync(paragraph, calls, cancellationToken).ConfigureAwait(false);
            var at = time.GetUtcNow();
            if (outcome.Status == ParagraphStatus.Ok && Store is not null)
            {
                recording = Store.RecordAsync(key, paragraph.TextSha256, run, outcome, at);
            }

            mine.TrySetResult(outcome);
            return (Finish(paragraph, outcome, at), recording);
        }
        catch (Exception ex)
        {
            mine.TrySetException(ex);
            throw;
        }
        finally
        {
            Release(new KeyValuePair<string, Task<ScoreOutcome>>(key, mine.Task), recording);
        }
    }

    /// <summary>An answer from the journal this run may use, with its outcome and time, or null.</summary>
    private (ScoreOutcome Outcome, DateTimeOffset At)? Reusable(StoredAnswer stored, RunStamp run)
    {
        if (stored.Session == Store!.Session || (options.Value.Cache && stored.RunId != run.RunId))
        {
            return (
                ScoreOutcome.Ok(stored.Answer, 0, null, null, 0) with { FromCache = true, BatchId = stored.BatchId },
                stored.ScoredAt);
        }

        // Journaled by this run before a crash: the answer and what it cost belong to this run.
        return stored.RunId == run.RunId
            ? (ScoreOutcome.Ok(
                    stored.Answer,
                    stored.Attempts,
                    stored.InputTokens,
                    stored.OutputTokens,
                    stored.LatencyMs) with
                {
                    BatchId = stored.BatchId,
                    CachedInputTokens = stored.CachedInputTokens,
                },
                stored.ScoredAt)
            : null;
    }

    /// <summary>Ends ownership of a request once its answer is on disk (at once when there is none to
    /// record).</summary>
    private void Release(KeyValuePair<string, Task<ScoreOutcome>> entry, Task recording)
    {
        if (recording.IsCompleted)
        {
            _inFlight.TryRemove(entry);
            return;
        }

        recording.ContinueWith(
            (_, state) => ((ScoringRun)state!)._inFlight.TryRemove(entry),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task<ScoreOutcome> CallAsync(
        Paragraph paragraph,
        CancellationTokenSource calls,
        CancellationToken cancellationToken)
    {
        try
        {
            return await Scorer.ScoreAsync(paragraph, calls.Token).ConfigureAwait(false);
        }
        catch (RunAbortedException ex)
        {
            if (Interlocked.CompareExchange(ref _abort, ex, null) is null)
            {
                LogAborted(logger, ex.Kind, ex.Message);
                if (ex.Kind != FailureKind.Budget)
                {
                    await calls.CancelAsync().ConfigureAwait(false);
                }
            }

            // The budget stops what is not yet sent; the requests in flight are paid for and finish.
            return ex.Kind == FailureKind.Budget ? ex.Outcome ?? Aborted(ex) : Aborted(_abort!);
        }
        catch (Exception) when (_abort is not null && !cancellationToken.IsCancellationRequested)
        {
            // Cut short (or failing alike) because the run already stopped: the paragraph is one the run did not score.
            return Aborted(_abort);
        }
    }

    private ScoredParagraph Finish(Paragraph paragraph, ScoreOutcome outcome, DateTimeOffset at)
    {
        progress.Finished(
            outcome.Status.ToString().ToLowerInvariant(),
            outcome.FromCache,
            outcome.InputTokens,
            outcome.OutputTokens);
        if (outcome.Status != ParagraphStatus.Ok
            && outcome.ErrorKind is not (FailureKind.Aborted or FailureKind.Budget))
        {
            LogParagraphFailed(logger, paragraph.DocumentId, paragraph.Index, outcome.ErrorKind!, outcome.Error!);
        }

        return new ScoredParagraph(paragraph, outcome, at);
    }

    private static ScoreOutcome Aborted(RunAbortedException abort) =>
        abort.Kind == FailureKind.Budget
            ? ScoreOutcome.Failed(FailureKind.Budget, $"not scored: {abort.Message}", 0, null, null, 0)
            : ScoreOutcome.Failed(
                FailureKind.Aborted,
                $"not scored: the run stopped ({abort.Kind}: {abort.Message})",
                0,
                null,
                null,
                0);

    [LoggerMessage(
        EventId = 5,
        Level = LogLevel.Warning,
        Message = "Paragraph {DocumentId}#{Index} not ok ({Kind}): {Error}")]
    private static partial void LogParagraphFailed(
        ILogger logger,
        string documentId,
        int index,
        string kind,
        string error);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Run stopped ({Kind}), no further calls: {Reason}")]
    private static partial void LogAborted(ILogger logger, string kind, string reason);
}

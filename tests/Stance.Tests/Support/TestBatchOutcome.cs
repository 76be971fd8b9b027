namespace Stance.Tests.Support;

/// <summary>How one batch ends, as <see cref="TestBatchApi.Outcome"/> scripts it.</summary>
/// <param name="End">The final status.</param>
/// <param name="Answered">How many lines (the first ones, in input order) are answered through the
/// <see cref="OpenAiTestServer.Responder"/> before the end; <c>null</c> is all of them.</param>
/// <param name="AnsweredIfCancelled">How many lines are answered when the client cancels the batch through
/// <c>POST batches/{id}/cancel</c> before it ends.</param>
/// <param name="Errors">The <c>errors</c> of a <see cref="TestBatchEnd.Failed"/> batch.</param>
internal sealed record TestBatchOutcome(
    TestBatchEnd End, int? Answered, int AnsweredIfCancelled, IReadOnlyList<TestBatchError> Errors)
{
    /// <summary>Every line answered (the default); a client cancel finds <paramref name="answeredIfCancelled"/>
    /// lines done.</summary>
    public static TestBatchOutcome Completed(int answeredIfCancelled = 0) =>
        new(TestBatchEnd.Completed, null, answeredIfCancelled, []);

    /// <summary>The window runs out after <paramref name="answered"/> lines: those are in the output (or error)
    /// file, every other line is an error line with code <c>batch_expired</c> and no response.</summary>
    public static TestBatchOutcome Expired(int answered) => new(TestBatchEnd.Expired, answered, answered, []);

    /// <summary>The batch is cancelled (by someone else, or by the client through the cancel endpoint) after
    /// <paramref name="answered"/> lines; the others are error lines with code <c>batch_cancelled</c>.</summary>
    public static TestBatchOutcome Cancelled(int answered) => new(TestBatchEnd.Cancelled, answered, answered, []);

    /// <summary>The batch fails validation with these errors.</summary>
    public static TestBatchOutcome Failed(params TestBatchError[] errors) => new(TestBatchEnd.Failed, 0, 0, errors);
}

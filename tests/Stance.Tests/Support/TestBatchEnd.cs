namespace Stance.Tests.Support;

/// <summary>How a scripted batch ends.</summary>
internal enum TestBatchEnd
{
    /// <summary>Every line answered; status <c>completed</c>.</summary>
    Completed,

    /// <summary>Some lines answered, the rest <c>batch_expired</c>; status <c>expired</c>.</summary>
    Expired,

    /// <summary>Some lines answered, the rest <c>batch_cancelled</c>; status <c>cancelling</c> then
    /// <c>cancelled</c>.</summary>
    Cancelled,

    /// <summary>No line answered; status <c>failed</c> with <see cref="TestBatchOutcome.Errors"/>.</summary>
    Failed,
}

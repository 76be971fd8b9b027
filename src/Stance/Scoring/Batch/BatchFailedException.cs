namespace Stance.Scoring.Batch;

/// <summary>The provider failed a batch (its input did not pass validation) or refused a Batch API call: the run stops
/// without writing tables (exit 11). The lines of a failed batch are submitted again by the next run, so fixing the
/// cause and running again pays for nothing twice.</summary>
internal sealed class BatchFailedException(string message, Exception? inner = null) : Exception(message, inner);

namespace Stance.Hosting;

/// <summary>Runs one batch.</summary>
internal interface IBatchJob
{
    /// <summary>Runs the batch and returns its summary; throws only on cancellation or an unexpected error.</summary>
    Task<RunSummary> RunAsync(CancellationToken cancellationToken);
}

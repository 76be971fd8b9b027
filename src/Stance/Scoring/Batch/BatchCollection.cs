using Stance.Journal;

namespace Stance.Scoring.Batch;

/// <summary>Where a run's batches stand after the batch step.</summary>
/// <param name="Complete">True when every batch has ended and its lines are recorded; false when some are still
/// running and the run exits for a later one to collect them (<c>Stance:Batch:Wait=false</c>).</param>
/// <param name="Parts">The run's request files and their batches.</param>
internal sealed record BatchCollection(bool Complete, IReadOnlyList<BatchPart> Parts);

namespace Stance.Output;

/// <summary>What a commit left in the run's date partition.</summary>
/// <param name="Files">This run's part files, relative to the output folder.</param>
/// <param name="KeptFiles">Earlier parts of the date left as they were (they hold none of the documents this run
/// read).</param>
/// <param name="DateRuns">The paragraph rows the date now holds, by the run that scored them.</param>
internal sealed record CommitResult(
    IReadOnlyList<string> Files,
    IReadOnlyList<string> KeptFiles,
    IReadOnlyDictionary<string, long> DateRuns);

namespace Stance.Reporting;

/// <summary>What the report's "last nights" and drift sections draw.</summary>
/// <param name="From">The window's first run date.</param>
/// <param name="To">The run's own date, the window's last.</param>
/// <param name="Targets">The watched targets, in <c>targets.json</c> order.</param>
/// <param name="Nights">The run dates of the window that have committed <c>targets</c> parts, oldest first.</param>
/// <param name="Drift">The drift test per watched target with rows in the window.</param>
/// <param name="MinCount">The fewest rows on each side for a target to be tested.</param>
/// <param name="PsiThreshold">The PSI at or above which a tested target drifts (with a low p).</param>
/// <param name="PValue">The p-value below which a tested target drifts (with a high PSI).</param>
internal sealed record RunTrends(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<string> Targets,
    IReadOnlyList<TrendNight> Nights,
    IReadOnlyList<DriftRow> Drift,
    int MinCount,
    double PsiThreshold,
    double PValue)
{
    /// <summary>The window's length in run dates.</summary>
    public int Days => To.DayNumber - From.DayNumber + 1;
}

namespace Stance.Scoring.Batch;

/// <summary>How far a download has been handed over, kept across its resumed attempts.</summary>
internal sealed class DownloadPosition
{
    /// <summary>The file offset after the last line handed over.</summary>
    public long Bytes { get; set; }
}

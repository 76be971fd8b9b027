using System.ComponentModel.DataAnnotations;

namespace Stance.Scoring.Batch;

/// <summary>The provider's Batch API mode (<c>--batch</c>): the same requests as a run would send, submitted as
/// files and answered within the provider's completion window at its batch price. Bound from
/// <c>Stance:Batch</c>.</summary>
internal sealed class BatchOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Batch";

    /// <summary>Score through the Batch API (<c>--batch</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>Cancel the open batches of unfinished runs and exit (<c>--batch-cancel</c>).</summary>
    public bool Cancel { get; set; }

    /// <summary>Wait for the batches to end, then write the tables; false: submit (or look once) and exit, and a
    /// later run collects.</summary>
    public bool Wait { get; set; } = true;

    /// <summary>How often a batch's status is asked while waiting (with ±10 % jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait; past it the open batches are cancelled (their finished lines are kept) and the
    /// lines left follow <see cref="Retry"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most request lines in one file (OpenAI allows 50,000; Azure 100,000).</summary>
    [Range(1, 100_000)]
    public int MaxRequestsPerFile { get; set; } = 50_000;

    /// <summary>The largest request file in bytes (OpenAI allows 200 MB).</summary>
    [Range(1_024, 2_000_000_000)]
    public long MaxFileBytes { get; set; } = 200_000_000;

    /// <summary>When set, batches are created in waves whose estimated tokens stay under the provider's enqueued-token
    /// limit; the next wave waits for earlier batches to end.</summary>
    [Range(1, long.MaxValue)]
    public long? MaxEnqueuedTokens { get; set; }

    /// <summary>What happens to lines without a valid answer (line errors, expired or cancelled batches, invalid
    /// answers): <c>sync</c> asks them again through the normal path, <c>batch</c> submits them in a follow-up batch
    /// (at most <see cref="MaxRounds"/> rounds in all), <c>none</c> writes them as failed rows.</summary>
    public string Retry { get; set; } = "sync";

    /// <summary>Rounds of batches with <c>Retry = batch</c>, the first included.</summary>
    [Range(1, 10)]
    public int MaxRounds { get; set; } = 3;

    /// <summary>Delete the uploaded request files and the output files at the provider once a batch's lines are
    /// recorded (they hold the corpus text).</summary>
    public bool DeleteFiles { get; set; } = true;

    /// <summary>The parsed <see cref="Retry"/>.</summary>
    public BatchRetry RetryMode => Retry.Trim().ToLowerInvariant() switch
    {
        "batch" => BatchRetry.Batch,
        "none" => BatchRetry.None,
        _ => BatchRetry.Sync,
    };
}

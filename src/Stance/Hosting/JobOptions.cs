using Microsoft.Extensions.Configuration;

namespace Stance.Hosting;

/// <summary>What the command line asks the process to do, bound from <c>Stance</c>: one run (the default), a
/// schedule of runs, a dry-run plan, a prompt check or an evaluation.</summary>
internal sealed class JobOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>Only validate the prompt folder and the settings, then exit (<c>--check-prompts</c>).</summary>
    public bool CheckPrompts { get; set; }

    /// <summary>Print the plan (documents, paragraphs, cache hits, calls, tokens, cost) and exit without a call
    /// (<c>--dry-run</c>).</summary>
    public bool DryRun { get; set; }

    /// <summary>A gold JSONL file to evaluate the prompt and provider on, instead of a run (<c>--eval</c>).</summary>
    public string? Eval { get; set; }

    /// <summary>With <see cref="Eval"/>: a second prompt folder (a path, or a name inside <c>Stance:Prompts</c>) to
    /// score the gold file with too and compare against the configured one (<c>--compare</c>).</summary>
    public string? Compare { get; set; }

    /// <summary>A cron expression (5 fields, or 6 with seconds): keep running and start a run at each
    /// occurrence.</summary>
    public string? Schedule { get; set; }

    /// <summary>The time zone the schedule is read in (IANA or Windows id).</summary>
    public string ScheduleTimeZone { get; set; } = "UTC";

    /// <summary>Only commit a sharded run whose shards have all finished (<c>--commit</c>), as a separate
    /// step.</summary>
    public bool Commit { get; set; }

    /// <summary>Write the items of a night a person should look at as a Label Studio import file
    /// (<c>--export-review</c>, docs/review.md).</summary>
    [ConfigurationKeyName("Review:Export")]
    public string? ExportReview { get; set; }

    /// <summary>Merge a Label Studio export of a review into the gold file (<c>--import-review</c>).</summary>
    [ConfigurationKeyName("Review:Import")]
    public string? ImportReview { get; set; }

    /// <summary>True for <c>--export-review</c> and <c>--import-review</c>, which read or write files only.</summary>
    public bool Review => ExportReview is not null || ImportReview is not null;

    /// <summary>True when the mode makes calls to the model (not <c>--dry-run</c>, <c>--check-prompts</c>,
    /// <c>--commit</c> nor a review).</summary>
    public bool Calls => !DryRun && !CheckPrompts && !Commit && !Review;
}

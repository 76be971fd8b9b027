using System.ComponentModel.DataAnnotations;

namespace Stance.Review;

/// <summary>How <c>--export-review</c> picks the items a person should look at and where <c>--import-review</c> puts
/// the reviewed labels, bound from <c>Stance:Review</c> (docs/review.md).</summary>
internal sealed class ReviewOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Review";

    /// <summary>The format of <see cref="RunDate"/>.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>Every target row whose confidence (or label probability) is below this is exported.</summary>
    [Range(0.0, 1.0)]
    public double ConfidenceThreshold { get; set; } = 0.7;

    /// <summary>The share of the other (confident) rows exported too, drawn with <see cref="Seed"/>, so the review
    /// also measures the confident ones.</summary>
    [Range(0.0, 1.0)]
    public double RandomShare { get; set; } = 0.05;

    /// <summary>The seed of the random slice: the same dataset and seed give the same export on every
    /// machine.</summary>
    public int Seed { get; set; } = 20161;

    /// <summary>The <c>run_date</c> partition to export (<c>yyyy-MM-dd</c>); null: the latest in the
    /// dataset.</summary>
    [RegularExpression(@"^\d{4}-\d{2}-\d{2}$", ErrorMessage = "Stance:Review:RunDate must be a date yyyy-MM-dd")]
    public string? RunDate { get; set; }

    /// <summary>Pick the items by the <c>label_probability</c> column instead of <c>confidence</c> where the targets
    /// table has a value.</summary>
    public bool UseProbability { get; set; }

    /// <summary>The gold JSONL file <c>--import-review</c> writes (<c>--gold</c>); null: <c>Stance:Eval</c>, else
    /// <c>&lt;output&gt;/review/gold.jsonl</c>.</summary>
    public string? Gold { get; set; }
}

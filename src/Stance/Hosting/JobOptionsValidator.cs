using Microsoft.Extensions.Options;
using Stance.Documents;
using Stance.Scoring;
using Stance.Storage;
using Stance.Storage.Objects;

namespace Stance.Hosting;

/// <summary>Checks at start what the command line asks for: the gold file or the input folder, the schedule, and a
/// key for the provider when the mode makes calls (<c>--dry-run</c> and <c>--check-prompts</c> make none).</summary>
internal sealed class JobOptionsValidator(
    IOptions<InputOptions> input,
    IOptions<LlmOptions> llm,
    IOptions<Sharding.ShardOptions> shards,
    IOptions<Scoring.Batch.BatchOptions> batch,
    IOptions<Evaluation.EvalOptions> evaluation)
    : IValidateOptions<JobOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, JobOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        // With --import-review, --eval names the gold file to write, which may not exist yet.
        if (options.Eval is { } gold && !options.Review && !File.Exists(gold))
        {
            errors.AddError($"Stance:Eval: the gold file '{Path.GetFullPath(gold)}' does not exist");
        }

        if (options.Compare is not null && options.Eval is null && !options.CheckPrompts)
        {
            errors.AddError(
                "Stance:Compare: --compare compares two prompts on a gold file: give it with --eval " +
                "(or with --check-prompts, to check both folders)");
        }

        if (evaluation.Value.Repeat > 0 && options.Eval is null)
        {
            errors.AddError("Stance:Evaluation:Repeat: --repeat repeats an evaluation: give it with --eval");
        }

        // An unsupported URL is reported by the input's own validator; a store location is checked when the run
        // lists it.
        var local = StorageLocation.LocationProblem("Stance:Input", input.Value.Input) is null
            && ObjectLocation.TryParse(input.Value.Input) is null;
        if (options.Eval is null && !options.Review && local && !Directory.Exists(input.Value.Input))
        {
            errors.AddError($"Stance:Input: the folder '{Path.GetFullPath(input.Value.Input)}' does not exist");
        }

        if (options.ImportReview is { } export && !File.Exists(export))
        {
            errors.AddError(
                $"Stance:Review:Import: the Label Studio export '{Path.GetFullPath(export)}' does not exist");
        }

        if (options.ExportReview is not null && options.ImportReview is not null)
        {
            errors.AddError("Stance:Review: --export-review and --import-review are two steps: give one at a time");
        }

        if (options.Schedule is { } cron)
        {
            try
            {
                NightlyScheduler.Parse(cron);
            }
            catch (Cronos.CronFormatException ex)
            {
                errors.AddError($"Stance:Schedule: '{cron}' is not a cron expression ({ex.Message})");
            }
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(options.ScheduleTimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.AddError($"Stance:ScheduleTimeZone: '{options.ScheduleTimeZone}' is not a known time zone");
        }

        if (options.Commit && !shards.Value.Sharded)
        {
            errors.AddError("Stance:Commit: --commit finishes a sharded run: give its --shards N (and its " +
                "Stance:RunName unless it is today's UTC date)");
        }

        if (shards.Value.Sharded && ShardedMode(options) is { } mode)
        {
            errors.AddError($"Stance:Shards: a sharded run with {mode} is not built");
        }

        if (options.Calls && MissingKey() is { } missing)
        {
            errors.AddError(missing);
        }

        return errors.Build();
    }

    private string? ShardedMode(JobOptions options) => options switch
    {
        { DryRun: true } => "--dry-run (plan the whole run in one process)",
        { Eval: not null } => "--eval",
        { Schedule: not null } => "--schedule (a Kubernetes CronJob starts each night's shards)",
        _ when batch.Value.Enabled || batch.Value.Cancel => "--batch",
        _ => null,
    };

    // The LLM settings report their own problems; a key is asked for only when they are valid.
    private string? MissingKey()
    {
        try
        {
            return ScoringProviders.Find(llm.Value.Provider)?.MissingKey(llm.Value);
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }
}

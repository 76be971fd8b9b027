using System.ComponentModel.DataAnnotations;

namespace Stance.Sharding;

/// <summary>How one run is spread over processes (a Kubernetes Indexed Job's pods), bound from <c>Stance</c>:
/// <c>--shards N</c> processes each score the documents assigned to their <c>--shard-index K</c>, and the run is
/// committed once, when all N have finished.</summary>
internal sealed class ShardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>The environment variable Kubernetes sets in each pod of an Indexed Job.</summary>
    public const string CompletionIndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>How many processes share the run (<c>--shards</c>); 1: an ordinary run.</summary>
    [Range(1, 10_000)]
    public int Shards { get; set; } = 1;

    /// <summary>This process's shard, 0 to <see cref="Shards"/> − 1 (<c>--shard-index</c>); null: from
    /// <c>JOB_COMPLETION_INDEX</c>.</summary>
    public int? ShardIndex { get; set; }

    /// <summary>The name every shard of one run shares, which a later run must not reuse (in Kubernetes the Job's
    /// name); null: the UTC date the shard starts on.</summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", ErrorMessage =
        "Stance:RunName must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit")]
    public string? RunName { get; set; }

    /// <summary>True when the run is spread over several processes.</summary>
    public bool Sharded => Shards > 1;
}

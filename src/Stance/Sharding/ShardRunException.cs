namespace Stance.Sharding;

/// <summary>A shard cannot join its run (another configuration or input under the same run name) or a commit cannot
/// proceed; retrying the same shard will not help.</summary>
internal sealed class ShardRunException(string message) : Exception(message);

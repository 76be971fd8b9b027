namespace Stance.Storage.Objects;

/// <summary>When a whole-object write may happen: always, only if no object has the key (<c>If-None-Match: *</c>), or
/// only if the object has the given ETag (<c>If-Match</c>).</summary>
internal readonly record struct WriteCondition(WriteConditionKind Kind, string? ETag = null)
{
    /// <summary>Always write.</summary>
    public static WriteCondition None => new(WriteConditionKind.None);

    /// <summary>Write only if no object has the key.</summary>
    public static WriteCondition IfAbsent => new(WriteConditionKind.IfAbsent);

    /// <summary>Write only if the object has <paramref name="etag"/>.</summary>
    public static WriteCondition IfMatch(string etag) => new(WriteConditionKind.IfMatch, etag);
}

/// <summary>The kinds of <see cref="WriteCondition"/>.</summary>
internal enum WriteConditionKind
{
    /// <summary>Always write.</summary>
    None,

    /// <summary><c>If-None-Match: *</c>.</summary>
    IfAbsent,

    /// <summary><c>If-Match: &lt;etag&gt;</c>.</summary>
    IfMatch,
}

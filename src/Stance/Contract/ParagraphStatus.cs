namespace Stance.Contract;

/// <summary>The <c>status</c> column.</summary>
internal enum ParagraphStatus
{
    /// <summary>Scored and validated.</summary>
    Ok,

    /// <summary>No valid answer; <c>error</c> and <c>error_kind</c> say why.</summary>
    Failed,

    /// <summary>The provider's content filter refused it; not retried.</summary>
    Filtered,
}

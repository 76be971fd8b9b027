namespace Stance.Journal;

/// <summary>What a batch returned for one request line: the answer's content (status 200), or why there is
/// none.</summary>
/// <param name="Key">The line's <c>custom_id</c>: the request key.</param>
/// <param name="StatusCode">The line's HTTP status; null when the batch ended without answering it.</param>
/// <param name="Content">The assistant message's content of a 200 line.</param>
/// <param name="ErrorKind">For a line without an answer: <c>batch_line_error</c>, <c>batch_expired</c>,
/// <c>batch_cancelled</c> or <c>batch_failed</c>.</param>
internal sealed record BatchLineResult(
    string Key,
    int Round,
    string BatchId,
    int? StatusCode,
    string? Content,
    string? FinishReason,
    int? InputTokens,
    int? OutputTokens,
    int? CachedTokens,
    string? ErrorKind,
    string? Error);

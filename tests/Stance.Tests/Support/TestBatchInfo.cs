namespace Stance.Tests.Support;

/// <summary>What <see cref="TestBatchApi.Outcome"/> is told about a batch when it is created.</summary>
/// <param name="Number">1 for the first batch created on this server, 2 for the next, ...</param>
/// <param name="Id">The batch id (<c>batch_</c> + <paramref name="Number"/>).</param>
/// <param name="InputFileId">The input file.</param>
/// <param name="Endpoint">The batch's endpoint, e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="Model">The <c>body.model</c> of the first line, if any.</param>
/// <param name="LineCount">The number of requests in the input file.</param>
/// <param name="Metadata">The batch's metadata (empty when none was sent).</param>
internal sealed record TestBatchInfo(
    int Number,
    string Id,
    string InputFileId,
    string Endpoint,
    string? Model,
    int LineCount,
    IReadOnlyDictionary<string, string> Metadata);

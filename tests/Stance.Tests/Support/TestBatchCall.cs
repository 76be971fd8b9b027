namespace Stance.Tests.Support;

/// <summary>One Files or Batches request as the server saw it.</summary>
/// <param name="Kind">The operation.</param>
/// <param name="Number">The how-manyth call of this <paramref name="Kind"/> (1-based, faulted calls included).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path, e.g. <c>/openai/v1/files/file-1/content</c>.</param>
/// <param name="Query">The query string, with its <c>?</c>, or empty.</param>
/// <param name="Id">The file or batch id in the path, if any.</param>
/// <param name="Authorization">The <c>Authorization</c> header (OpenAI), or empty.</param>
/// <param name="ApiKey">The <c>api-key</c> header (Azure), or empty.</param>
/// <param name="Range">The <c>Range</c> header, or empty.</param>
internal sealed record TestBatchCall(
    TestBatchCallKind Kind,
    int Number,
    string Method,
    string Path,
    string Query,
    string? Id,
    string Authorization,
    string ApiKey,
    string Range)
{
    /// <summary>Whether the call came on Azure's route (<c>/openai/v1/...</c>).</summary>
    public bool Azure => Path.StartsWith("/openai/", StringComparison.Ordinal);
}

using System.Net.Http.Headers;

namespace Stance.Scoring.Batch;

/// <summary>Where a provider's Files and Batches API is and how a request to it is authorized.</summary>
/// <param name="BaseUri">The API's base URL ending in <c>/</c> (e.g. <c>https://api.openai.com/v1/</c> or
/// <c>https://NAME.openai.azure.com/openai/v1/</c>).</param>
/// <param name="LinePath">The <c>url</c> of each request line and the batch's <c>endpoint</c>
/// (<c>/v1/chat/completions</c> for OpenAI, <c>/chat/completions</c> for Azure).</param>
/// <param name="HeaderName">The header carrying the key: <c>Authorization</c> (Bearer) or <c>api-key</c>.</param>
internal sealed record BatchEndpoint(Uri BaseUri, string LinePath, string HeaderName, string? Key)
{
    /// <summary>The URL of <paramref name="relative"/> under <see cref="BaseUri"/>.</summary>
    public Uri Url(string relative) => new(BaseUri, relative);

    /// <summary>Adds the key to <paramref name="request"/>.</summary>
    public void Authorize(HttpRequestMessage request)
    {
        if (string.IsNullOrWhiteSpace(Key))
        {
            return;
        }

        if (HeaderName == "Authorization")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        }
        else
        {
            request.Headers.TryAddWithoutValidation(HeaderName, Key);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{BaseUri} ({LinePath})"; // never the key
}

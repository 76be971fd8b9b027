namespace Stance.Scoring.Llm;

/// <summary>The server gave one paragraph the same 5xx answer <see cref="RepeatedServerErrors.Limit"/> times in a
/// row; the paragraph fails as <c>server_error</c> and the run goes on.</summary>
internal sealed class RepeatedServerErrorException(int times, Exception inner)
    : Exception(
        $"the server gave the same answer {times} times in a row for this paragraph, so it was not asked again "
        + $"(a request it cannot serve, not counted as the provider being down): {ProviderFaults.Describe(inner)}",
        inner);

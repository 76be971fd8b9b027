namespace Stance.Scoring;

/// <summary>How a model's name is read where the job acts on its family (its tokenizer, whether it takes
/// <c>logprobs</c>): case-insensitive, on the part after its last <c>/</c> (<c>openai/gpt-4o</c> is
/// <c>gpt-4o</c>).</summary>
internal static class ModelNames
{
    /// <summary><paramref name="model"/> trimmed, in lower case, after its last <c>/</c>.</summary>
    public static string Normalize(string model)
    {
        var name = model.Trim().ToLowerInvariant();
        return name[(name.LastIndexOf('/') + 1)..];
    }

    /// <summary>True for OpenAI's o-series reasoning models (a normalized name): <c>o1</c>, <c>o3</c>, <c>o4</c>,
    /// alone or followed by <c>-</c>.</summary>
    public static bool IsOSeries(string name) =>
        ((string[])["o1", "o3", "o4"]).Any(f => name == f || name.StartsWith(f + "-", StringComparison.Ordinal));
}

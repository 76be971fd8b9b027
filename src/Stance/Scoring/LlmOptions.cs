using System.ComponentModel.DataAnnotations;
using Stance.Scoring.Local;

namespace Stance.Scoring;

/// <summary>Which model answers, and how to reach it.</summary>
internal sealed class LlmOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance:Llm";

    /// <summary><c>lexicon</c> (offline baseline, the default), <c>openai</c>, <c>azure</c> or <c>local</c> (a GGUF
    /// model in-process).</summary>
    public string Provider { get; set; } = "lexicon";

    /// <summary>An OpenAI-compatible base URL (e.g. <c>http://localhost:11434/v1</c>), or the Azure resource
    /// URL.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The model name (OpenAI) or deployment name (Azure, when <see cref="Deployment"/> is not set).</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>The Azure OpenAI deployment name.</summary>
    public string? Deployment { get; set; }

    /// <summary>The API key; from environment variables or user-secrets only, never from a file in the repo.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The request field that bounds the answer: <c>max_completion_tokens</c> (OpenAI) or <c>max_tokens</c>
    /// (older servers).</summary>
    public string MaxTokensField { get; set; } = "max_completion_tokens";

    /// <summary>How many times an invalid answer is asked again, with the reason, before the paragraph fails.</summary>
    [Range(0, 5)]
    public int MaxRepairs { get; set; } = 2;

    /// <summary>Reject answers that leave out a watched target the paragraph names literally.</summary>
    public bool RequireMentionedTargets { get; set; } = true;

    /// <summary>Ask for the answer's token log-probabilities, to record each stance label's probability
    /// (<c>label_probability</c>). Null: on for the OpenAI-compatible providers except the reasoning models (o1, o3,
    /// o4, gpt-5), which refuse the parameter; the local provider has none.</summary>
    public bool? Logprobs { get; set; }

    /// <summary>The in-process model of the <c>local</c> provider.</summary>
    public LocalModelOptions Local { get; set; } = new();

    /// <summary>Longer paragraphs are not sent; they are written as failed with <c>error_kind = too_long</c>.</summary>
    [Range(100, int.MaxValue)]
    public int MaxParagraphChars { get; set; } = 20_000;
}

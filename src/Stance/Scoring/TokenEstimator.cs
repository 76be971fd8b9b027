using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using Stance.Paragraphs;
using Stance.Prompts;

namespace Stance.Scoring;

/// <summary>Estimates a request's prompt tokens before it is sent, as the pacer, the budget and the dry run need them:
/// with the model's own tokenizer for OpenAI model families (<see cref="EncodingFor"/>), else at four characters a
/// token. The fixed part of the prompt (template and watched targets) is counted once; each paragraph adds only its
/// variable parts (text, title, previous paragraph).</summary>
/// <remarks>Even with a tokenizer the figure is an estimate: the chat format's tokens are OpenAI's published rule of
/// thumb (<see cref="TokensPerMessage"/>, <see cref="ReplyPrimingTokens"/>), and what a provider adds for the answer's
/// JSON schema is not counted.</remarks>
internal sealed partial class TokenEstimator
{
    /// <summary>Characters per token of the fallback estimate (about four in English).</summary>
    public const double CharsPerToken = 4.0;

    /// <summary>The method named when no tokenizer is known for the model.</summary>
    public const string CharsMethod = "chars/4";

    /// <summary>The o200k_base encoding (gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1, o3, o4).</summary>
    public const string O200kBase = "o200k_base";

    /// <summary>The cl100k_base encoding (gpt-4, gpt-4-turbo, gpt-3.5-turbo, text-embedding-3).</summary>
    public const string Cl100kBase = "cl100k_base";

    /// <summary>An estimate of the tokens each chat message adds for its role and delimiters (OpenAI's rule of
    /// thumb).</summary>
    public const int TokensPerMessage = 3;

    /// <summary>An estimate of the tokens that prime the reply (the assistant's header; OpenAI's rule of
    /// thumb).</summary>
    public const int ReplyPrimingTokens = 3;

    // One tokenizer per encoding and process: they are thread-safe and take a second or more to build.
    private static readonly ConcurrentDictionary<string, Lazy<Tokenizer>> Tokenizers = new(StringComparer.Ordinal);

    /// <summary>How many recent texts <see cref="VariableTokens"/> remembers the count of.</summary>
    private const int RecentSize = 64;

    private readonly Tokenizer? _tokenizer;

    // The counts of the last texts counted, by reference: a paragraph's previous paragraph is that paragraph's own
    // text (the same string), and a document's title is shared by its paragraphs, so each is counted once.
    private readonly (string? Text, int Tokens)[] _recent = new (string?, int)[RecentSize];
    private int _nextRecent;

    /// <summary>Counts the fixed part of <paramref name="prompt"/> with the tokenizer of <paramref name="model"/>
    /// (the name sent as <c>model</c>: for Azure, the deployment's name), or at four characters a token when the
    /// model belongs to no known family.</summary>
    public TokenEstimator(StancePrompt prompt, string model)
    {
        var encoding = EncodingFor(model);
        _tokenizer = encoding is null ? null : TokenizerFor(encoding);
        Method = encoding ?? CharsMethod;
        var text = FixedText(prompt);
        var messages = Math.Max(1, MessageTag().Count(text));
        FixedTokens = Count(ChatMarkup().Replace(text, string.Empty)) + messages * TokensPerMessage
            + ReplyPrimingTokens;
    }

    /// <summary>How tokens are counted: <c>o200k_base</c> or <c>cl100k_base</c> (the model's tokenizer), or
    /// <c>chars/4</c> (a rough estimate).</summary>
    public string Method { get; }

    /// <summary>Whether <see cref="Method"/> is a tokenizer (not the four-characters estimate).</summary>
    public bool IsTokenizer => _tokenizer is not null;

    /// <summary>The tokens every request carries: the template's text and the watched targets, with the chat format's
    /// estimated overhead.</summary>
    public int FixedTokens { get; }

    /// <summary>The prompt tokens of the request for <paramref name="paragraph"/>: <see cref="FixedTokens"/> and the
    /// paragraph's own parts.</summary>
    public int PromptTokens(Paragraph paragraph) =>
        FixedTokens + VariableTokens(paragraph.Text, paragraph.DocumentTitle, paragraph.Previous);

    /// <summary>The tokens of a paragraph's parts: its text, its document's title and the previous paragraph.</summary>
    public int VariableTokens(string text, string? title, string? previous) =>
        CountRecent(text) + CountRecent(title) + CountRecent(previous);

    /// <summary>The tokens of <paramref name="text"/>: the tokenizer's count, or its characters / 4 rounded
    /// up.</summary>
    public int Count(string? text) =>
        string.IsNullOrEmpty(text) ? 0
        : _tokenizer?.CountTokens(text) ?? (int)Math.Ceiling(text.Length / CharsPerToken);

    /// <summary><see cref="Count"/>, remembered for the last texts (by reference) when a tokenizer counts.</summary>
    private int CountRecent(string? text)
    {
        if (_tokenizer is null || string.IsNullOrEmpty(text))
        {
            return Count(text);
        }

        lock (_recent)
        {
            foreach (var (known, tokens) in _recent)
            {
                if (ReferenceEquals(known, text))
                {
                    return tokens;
                }
            }
        }

        var count = Count(text);
        lock (_recent)
        {
            _recent[_nextRecent] = (text, count);
            _nextRecent = (_nextRecent + 1) % RecentSize;
        }

        return count;
    }

    /// <summary>The tiktoken encoding of the OpenAI model family <paramref name="model"/> belongs to, or null (local
    /// GGUF, llama.cpp, vLLM and other models, unknown names, Azure deployments not named after their
    /// model).</summary>
    /// <remarks>Case-insensitive on the name after its last <c>/</c> (<c>openai/gpt-4o</c> is <c>gpt-4o</c>):
    /// o200k_base for <c>gpt-4o*</c>, <c>chatgpt-4o*</c>, <c>gpt-4.1*</c>, <c>gpt-4.5*</c>, <c>gpt-5*</c> and
    /// <c>o1</c>, <c>o3</c>, <c>o4</c> (alone or followed by <c>-</c>); cl100k_base for <c>gpt-4</c> and
    /// <c>gpt-4-*</c> (gpt-4-turbo, gpt-4-32k, dated snapshots), <c>gpt-3.5-turbo*</c> (and Azure's
    /// <c>gpt-35-turbo*</c>) and <c>text-embedding-3*</c>.</remarks>
    public static string? EncodingFor(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        var name = ModelNames.Normalize(model);
        if (name.StartsWith("gpt-4o", StringComparison.Ordinal)
            || name.StartsWith("chatgpt-4o", StringComparison.Ordinal)
            || name.StartsWith("gpt-4.1", StringComparison.Ordinal)
            || name.StartsWith("gpt-4.5", StringComparison.Ordinal)
            || name.StartsWith("gpt-5", StringComparison.Ordinal)
            || ModelNames.IsOSeries(name))
        {
            return O200kBase;
        }

        return name == "gpt-4"
            || name.StartsWith("gpt-4-", StringComparison.Ordinal)
            || name.StartsWith("gpt-3.5-turbo", StringComparison.Ordinal)
            || name.StartsWith("gpt-35-turbo", StringComparison.Ordinal)
            || name.StartsWith("text-embedding-3", StringComparison.Ordinal)
            ? Cl100kBase
            : null;
    }

    /// <summary>The text every request carries, whatever the paragraph: the template (its chat markup and variables
    /// are taken out before counting, its <c>&lt;message&gt;</c> tags counted as messages, the few-shot examples'
    /// among them), the watched targets and the examples' paragraphs, titles and answers.</summary>
    private static string FixedText(StancePrompt prompt) =>
        string.Join("\n", [prompt.Config.Template!, prompt.Targets.ToPromptText(), .. prompt.ExampleValues.Values]);

    private static Tokenizer TokenizerFor(string encoding) =>
        Tokenizers.GetOrAdd(
            encoding,
            static name => new Lazy<Tokenizer>(() => TiktokenTokenizer.CreateForEncoding(name))).Value;

    /// <summary>A chat message's opening tag in a Semantic Kernel template.</summary>
    [GeneratedRegex(@"<message\b[^>]*>")]
    private static partial Regex MessageTag();

    /// <summary>What the template holds but the model does not receive: message tags and <c>{{$variable}}</c>
    /// placeholders.</summary>
    [GeneratedRegex(@"</?message\b[^>]*>|\{\{\s*\$\w+\s*\}\}")]
    private static partial Regex ChatMarkup();
}

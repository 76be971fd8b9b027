using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using Stance.Scoring.Llm;

namespace Stance.Scoring;

/// <summary>One model provider (<c>Stance:Llm:Provider</c>): its name, what it needs (key, endpoint, model) and how it
/// shapes the other settings and the scorer. The providers are listed in <see cref="ScoringProviders"/>; adding one
/// means a subclass in its own folder and a line there.</summary>
internal abstract class ScoringProvider
{
    /// <summary>The name given to <c>--provider</c> and written to every row.</summary>
    public abstract string Name { get; }

    /// <summary>The environment variable the API key is read from when <c>Stance:Llm:ApiKey</c> is not set; null
    /// when the provider needs no key.</summary>
    public virtual string? KeyVariable => null;

    /// <summary>The configuration keys that hold secrets: they must never come from a file in the repository.</summary>
    public virtual IReadOnlyList<string> SecretKeys => ["Stance:Llm:ApiKey"];

    /// <summary>True when answers come from a language model (calls cost money or time, so they are journaled and
    /// reused); false for the offline lexicon baseline.</summary>
    public virtual bool IsLanguageModel => true;

    /// <summary>True when the provider has a Batch API (<c>--batch</c>).</summary>
    public virtual bool SupportsBatch => false;

    /// <summary>True when the model decodes under a grammar made from the answer schema, so the schema must be one a
    /// grammar can express.</summary>
    public virtual bool GrammarSchema => false;

    /// <summary>Fills provider-specific settings from the environment (the key from
    /// <see cref="KeyVariable"/>).</summary>
    public virtual void PostConfigure(LlmOptions llm, IConfiguration configuration)
    {
        if (KeyVariable is { } variable && string.IsNullOrWhiteSpace(llm.ApiKey))
        {
            llm.ApiKey = configuration[variable];
        }
    }

    /// <summary>Adjusts the job's concurrency to what the provider can take.</summary>
    public virtual void PostConfigure(ScoringOptions scoring)
    {
    }

    /// <summary>Adjusts the default timeouts to the provider's speed.</summary>
    public virtual void PostConfigure(ResilienceOptions resilience)
    {
    }

    /// <summary>Adjusts the prices (a local model costs nothing).</summary>
    public virtual void PostConfigure(PricingOptions pricing)
    {
    }

    /// <summary>Adds the provider's own settings problems, each naming its key.</summary>
    public virtual void Validate(LlmOptions llm, ValidateOptionsResultBuilder errors)
    {
    }

    /// <summary>Why a run that makes calls cannot start without a key; null when the key is there or not
    /// needed.</summary>
    public virtual string? MissingKey(LlmOptions llm) => null;

    /// <summary>The model name written to rows, journal and cache keys.</summary>
    public virtual string ModelName(LlmOptions llm, IServiceProvider services) => llm.Model;

    /// <summary>The chat service Semantic Kernel calls for this provider.</summary>
    public virtual IChatCompletionService CreateChatService(IServiceProvider services, LlmOptions llm, string model) =>
        throw new NotSupportedException($"the provider '{Name}' has no chat service");

    /// <summary>The provider's Files and Batches API; only for a provider that <see cref="SupportsBatch"/>.</summary>
    public virtual Batch.BatchEndpoint BatchEndpoint(LlmOptions llm) =>
        throw new NotSupportedException($"the provider '{Name}' has no Batch API");

    /// <summary>Makes the provider's scorer; the language-model providers share
    /// <see cref="KernelScorerFactory"/>.</summary>
    public virtual IParagraphScorer CreateScorer(IServiceProvider services, Prompts.StancePrompt prompt) =>
        KernelScorerFactory.Create(services, this, prompt);

    /// <summary>Work before the first paragraph (the local provider loads its model).</summary>
    public virtual Func<CancellationToken, Task>? Prepare(IServiceProvider services) => null;
}

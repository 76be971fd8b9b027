namespace Stance.Scoring.Local;

/// <summary>The in-process GGUF model of the <c>local</c> provider (<c>Stance:Llm:Local</c>).</summary>
internal sealed class LocalModelOptions
{
    /// <summary>A GGUF file to load (<c>--model-path</c>); when empty, <see cref="HuggingFace"/> says what to download.</summary>
    public string? ModelPath { get; set; }

    /// <summary>A model to download on first use into <see cref="CacheFolder"/>.</summary>
    public HuggingFaceModel HuggingFace { get; set; } = new();

    /// <summary>Where downloaded models are kept; default <c>$XDG_CACHE_HOME/stance/models</c> or <c>~/.cache/stance/models</c>.</summary>
    public string? CacheFolder { get; set; }

    /// <summary>The largest context window in tokens. Each paragraph gets a context just large enough for its rendered
    /// prompt plus the longest answer its grammar allows, up to this; a paragraph that does not fit fails as
    /// <c>context_too_long</c>.</summary>
    public int ContextSize { get; set; } = 8192;

    /// <summary>CPU threads for generation; default: half the logical processors (about the physical cores, which is
    /// what llama.cpp runs best on; more threads only wait on each other).</summary>
    public int? Threads { get; set; }

    /// <summary>Use llama.cpp's flash attention. Off by default: on this CPU it halved the test model's speed (75 against
    /// 160 tokens/s with a 3,000-token prompt); try it for your model.</summary>
    public bool FlashAttention { get; set; }

    /// <summary>The sampling seed, so a rerun of the same paragraph gives the same answer.</summary>
    public uint Seed { get; set; } = 42;
}

/// <summary>A GGUF file on the Hugging Face Hub, pinned by its SHA-256.</summary>
internal sealed class HuggingFaceModel
{
    /// <summary>The repository, e.g. <c>Qwen/Qwen2.5-1.5B-Instruct-GGUF</c>.</summary>
    public string? Repo { get; set; }

    /// <summary>The file in the repository, e.g. <c>qwen2.5-1.5b-instruct-q4_k_m.gguf</c>.</summary>
    public string? File { get; set; }

    /// <summary>The file's SHA-256 (hex), checked after every download; required, so nothing unverified is loaded.</summary>
    public string? Sha256 { get; set; }

    /// <summary>The branch, tag or commit.</summary>
    public string Revision { get; set; } = "main";

    /// <summary>The hub's base URL; the <c>HF_ENDPOINT</c> environment variable overrides the default, as in Hugging Face's own tools.</summary>
    public string Endpoint { get; set; } = "https://huggingface.co";

    /// <summary>A token for gated repositories, from <c>HF_TOKEN</c> (environment or user-secrets only; never logged).</summary>
    public string? Token { get; set; }

    /// <summary>True when a repository and file are configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Repo) && !string.IsNullOrWhiteSpace(File);
}

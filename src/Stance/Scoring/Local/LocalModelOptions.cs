namespace Stance.Scoring.Local;

/// <summary>The in-process GGUF model of the <c>local</c> provider (<c>Stance:Llm:Local</c>).</summary>
internal sealed class LocalModelOptions
{
    /// <summary>A GGUF file to load (<c>--model-path</c>); when empty, <see cref="HuggingFace"/> says what to
    /// download.</summary>
    public string? ModelPath { get; set; }

    /// <summary>A model to download on first use into <see cref="CacheFolder"/>.</summary>
    public HuggingFaceModel HuggingFace { get; set; } = new();

    /// <summary>Where downloaded models are kept; default <c>$XDG_CACHE_HOME/stance/models</c> or
    /// <c>~/.cache/stance/models</c>.</summary>
    public string? CacheFolder { get; set; }

    /// <summary>The largest context window in tokens. Each paragraph gets a context just large enough for its rendered
    /// prompt plus the longest answer its grammar allows, up to this; a paragraph that does not fit fails as
    /// <c>context_too_long</c>.</summary>
    public int ContextSize { get; set; } = 8192;

    /// <summary>CPU threads for generation; default: half the logical processors (about the physical cores, which is
    /// what llama.cpp runs best on; more threads only wait on each other).</summary>
    public int? Threads { get; set; }

    /// <summary>Use llama.cpp's flash attention. Off by default: on this CPU it halved the test model's speed (75
    /// against 160 tokens/s with a 3,000-token prompt); try it for your model.</summary>
    public bool FlashAttention { get; set; }

    /// <summary>The sampling seed, so a rerun of the same paragraph gives the same answer.</summary>
    public uint Seed { get; set; } = 42;
}

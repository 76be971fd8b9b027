namespace Stance.Scoring.Local;

/// <summary>A GGUF file on the Hugging Face Hub, pinned by its SHA-256.</summary>
internal sealed class HuggingFaceModel
{
    /// <summary>The repository, e.g. <c>Qwen/Qwen2.5-1.5B-Instruct-GGUF</c>.</summary>
    public string? Repo { get; set; }

    /// <summary>The file in the repository, e.g. <c>qwen2.5-1.5b-instruct-q4_k_m.gguf</c>.</summary>
    public string? File { get; set; }

    /// <summary>The file's SHA-256 (hex), checked after every download; required, so nothing unverified is
    /// loaded.</summary>
    public string? Sha256 { get; set; }

    /// <summary>The branch, tag or commit.</summary>
    public string Revision { get; set; } = "main";

    /// <summary>The hub's base URL; the <c>HF_ENDPOINT</c> environment variable overrides the default, as in Hugging
    /// Face's own tools.</summary>
    public string Endpoint { get; set; } = "https://huggingface.co";

    /// <summary>A token for gated repositories, from <c>HF_TOKEN</c> (environment or user-secrets only; never
    /// logged).</summary>
    public string? Token { get; set; }

    /// <summary>True when a repository and file are configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Repo) && !string.IsNullOrWhiteSpace(File);
}

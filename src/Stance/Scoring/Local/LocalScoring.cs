using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stance.Hosting;

namespace Stance.Scoring.Local;

/// <summary>The <c>local</c> provider's settings rules and services.</summary>
internal static partial class LocalScoring
{
    /// <summary>The provider name.</summary>
    public const string ProviderName = "local";

    /// <summary>The local model answers one paragraph at a time (a serialized queue in front of one model instance), so
    /// the job's concurrency is 1: more paragraphs in flight would only wait, and their attempt timeouts would run
    /// while they wait. A CPU model may need minutes for a paragraph, so the default timeouts become 10 minutes an
    /// attempt and 30 a paragraph (set ones are kept). Tokens cost nothing, so the prices are 0. <c>HF_ENDPOINT</c> and
    /// <c>HF_TOKEN</c> are honoured.</summary>
    public static void PostConfigure(StanceOptions options, IConfiguration configuration)
    {
        options.Concurrency = 1;
        var defaults = new ResilienceOptions();
        if (options.Resilience.AttemptTimeout == defaults.AttemptTimeout)
        {
            options.Resilience.AttemptTimeout = TimeSpan.FromMinutes(10);
        }

        if (options.Resilience.ParagraphTimeout == defaults.ParagraphTimeout)
        {
            options.Resilience.ParagraphTimeout = TimeSpan.FromMinutes(30);
        }

        options.Pricing.InputPerMillion = 0;
        options.Pricing.OutputPerMillion = 0;
        var hub = options.Llm.Local.HuggingFace;
        if (configuration["HF_ENDPOINT"] is { Length: > 0 } endpoint && hub.Endpoint == new HuggingFaceModel().Endpoint)
        {
            hub.Endpoint = endpoint;
        }

        if (string.IsNullOrWhiteSpace(hub.Token))
        {
            hub.Token = configuration["HF_TOKEN"];
        }
    }

    /// <summary>Checks the local model's settings, naming the key and the reason for each problem.</summary>
    public static void Validate(LocalModelOptions local, List<string> errors)
    {
        var hub = local.HuggingFace;
        if (string.IsNullOrWhiteSpace(local.ModelPath) && !hub.IsConfigured)
        {
            errors.Add("Stance:Llm:Local:ModelPath: the local provider needs a GGUF file (--model-path) or a Hugging Face model (Stance:Llm:Local:HuggingFace:Repo, File, Sha256)");
        }
        else if (!string.IsNullOrWhiteSpace(local.ModelPath) && !File.Exists(local.ModelPath))
        {
            errors.Add($"Stance:Llm:Local:ModelPath: the file '{Path.GetFullPath(local.ModelPath)}' does not exist");
        }
        else if (string.IsNullOrWhiteSpace(local.ModelPath) && !Sha256Hex().IsMatch(hub.Sha256 ?? string.Empty))
        {
            errors.Add("Stance:Llm:Local:HuggingFace:Sha256: a downloaded model must be pinned by its SHA-256 (64 hex digits), shown on the file's page on the hub");
        }

        if (hub.IsConfigured && !Uri.TryCreate(hub.Endpoint, UriKind.Absolute, out _))
        {
            errors.Add($"Stance:Llm:Local:HuggingFace:Endpoint: '{hub.Endpoint}' is not an absolute URL");
        }

        if (local.ContextSize is < 512 or > 131_072)
        {
            errors.Add($"Stance:Llm:Local:ContextSize: {local.ContextSize} is outside 512..131072");
        }

        if (local.Threads is < 1)
        {
            errors.Add($"Stance:Llm:Local:Threads: {local.Threads} must be at least 1");
        }
    }

    /// <summary>The hex digits of the file's SHA-256 that the model name carries.</summary>
    public const int ModelHashDigits = 12;

    /// <summary>The model name written to rows, journal and cache keys: the GGUF file's name and the first
    /// <see cref="ModelHashDigits"/> hex digits of its SHA-256, e.g. <c>stories260K.gguf@270cba1bd510</c>, so a file
    /// replaced under the same name is another model and never reuses the other's answers. A downloaded file's
    /// SHA-256 is the pinned one (checked before use); a <c>--model-path</c> file is hashed once and the hash kept by
    /// path, size and last write time (<see cref="ModelFileHash"/>).</summary>
    public static string ModelName(LocalModelOptions local, ILogger? logger = null)
    {
        if (string.IsNullOrWhiteSpace(local.ModelPath))
        {
            return Identity(local.HuggingFace.File!, local.HuggingFace.Sha256!);
        }

        // A missing file is reported when the model loads (exit code 7), before any paragraph.
        var cacheFolder = local.CacheFolder ?? DefaultCacheFolder();
        return File.Exists(local.ModelPath)
            ? Identity(local.ModelPath, ModelFileHash.Sha256(local.ModelPath, cacheFolder, logger))
            : Path.GetFileName(local.ModelPath);
    }

    private static string Identity(string file, string sha256) =>
        $"{Path.GetFileName(file)}@{sha256.Trim().ToLowerInvariant()[..ModelHashDigits]}";

    /// <summary>The default cache folder for downloaded models.</summary>
    public static string DefaultCacheFolder() =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "stance", "models");

    /// <summary>Adds the model downloader and the one <see cref="LocalModel"/> of the process.</summary>
    public static IServiceCollection AddLocalModel(this IServiceCollection services)
    {
        services.AddHttpClient(ModelDownloader.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp => new ModelDownloader(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ModelDownloader.HttpClientName),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ModelDownloader>>()));
        services.AddSingleton(sp =>
        {
            var local = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StanceOptions>>().Value.Llm.Local;
            return new LocalModel(local, ct => ResolvePathAsync(local, sp.GetRequiredService<ModelDownloader>(), ct), sp.GetRequiredService<ILogger<LocalModel>>());
        });
        return services;
    }

    private static async Task<string> ResolvePathAsync(LocalModelOptions local, ModelDownloader downloader, CancellationToken cancellationToken) =>
        !string.IsNullOrWhiteSpace(local.ModelPath)
            ? local.ModelPath
            : await downloader.EnsureAsync(local.HuggingFace, local.CacheFolder ?? DefaultCacheFolder(), cancellationToken).ConfigureAwait(false);

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}

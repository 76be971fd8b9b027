using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stance.Scoring.Local;

/// <summary>The <c>local</c> provider's model identity and services.</summary>
internal static class LocalScoring
{
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
        Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "stance",
            "models");

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
            var local = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<LlmOptions>>().Value.Local;
            return new LocalModel(
                local,
                ct => ResolvePathAsync(local, sp.GetRequiredService<ModelDownloader>(), ct),
                sp.GetRequiredService<ILogger<LocalModel>>());
        });
        return services;
    }

    private static async Task<string> ResolvePathAsync(
        LocalModelOptions local,
        ModelDownloader downloader,
        CancellationToken cancellationToken) =>
        !string.IsNullOrWhiteSpace(local.ModelPath)
            ? local.ModelPath
            : await downloader
                .EnsureAsync(local.HuggingFace, local.CacheFolder ?? DefaultCacheFolder(), cancellationToken)
                .ConfigureAwait(false);
}

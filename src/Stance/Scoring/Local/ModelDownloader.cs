using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Stance.Scoring.Local;

/// <summary>Downloads a pinned GGUF file from the Hugging Face Hub (or a mirror) into the cache folder: resumable (a
/// <c>.part</c> file and HTTP ranges, also across runs), with progress in the log, and checked against its SHA-256
/// before it is used.</summary>
internal sealed partial class ModelDownloader(HttpClient http, TimeProvider time, ILogger<ModelDownloader> logger)
{
    /// <summary>The named HTTP client (no timeout: a model is gigabytes).</summary>
    public const string HttpClientName = "stance-models";

    /// <summary>Transfers tried after an interrupted one, each resuming where the last stopped.</summary>
    public int MaxResumes { get; init; } = 4;

    /// <summary>The wait before the first resume; it doubles each time.</summary>
    public TimeSpan ResumeDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often progress is logged.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The path of the verified file, downloading it first when it is not in
    /// <paramref name="cacheFolder"/>.</summary>
    /// <exception cref="ModelUnavailableException">The hub cannot be reached, refuses, or sends a different
    /// file.</exception>
    public async Task<string> EnsureAsync(
        HuggingFaceModel model,
        string cacheFolder,
        CancellationToken cancellationToken)
    {
        var path = Path.Combine(
            cacheFolder,
            model.Repo!.Replace('/', Path.DirectorySeparatorChar),
            model.Revision,
            model.File!);
        var verified = path + ".sha256";
        var expected = model.Sha256!.Trim().ToLowerInvariant();
        if (File.Exists(path)
            && File.Exists(verified)
            && (await File.ReadAllTextAsync(verified, cancellationToken).ConfigureAwait(false)).Trim() == expected)
        {
            return path;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var part = path + ".part";
        var url = new Uri(
            $"{model.Endpoint.TrimEnd('/')}/{model.Repo}/resolve/{Uri.EscapeDataString(model.Revision)}/{model.File}");
        var retry = new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<IOException>(),
            MaxRetryAttempts = MaxResumes,
            Delay = ResumeDelay,
            BackoffType = DelayBackoffType.Exponential,
            OnRetry = args =>
            {
                LogResuming(
                    logger,
                    model.File!,
                    Length(part),
                    args.Outcome.Exception?.Message ?? "?",
                    args.RetryDelay.TotalSeconds);
                return ValueTask.CompletedTask;
            },
        }).Build();
        try
        {
            await retry.ExecuteAsync(
                async ct => await TransferAsync(url, part, model, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new ModelUnavailableException(
                $"could not download {model.File} from {url.GetLeftPart(UriPartial.Authority)} ({ex.Message}); " +
                $"{MaxResumes + 1} tries, the partial file is kept and the next run resumes it. Offline? Copy the " +
                "file yourself and pass --model-path, or set HF_ENDPOINT to a reachable mirror.",
                ex);
        }

        var actual = await Sha256Async(part, cancellationToken).ConfigureAwait(false);
        if (actual != expected)
        {
            File.Delete(part);
            throw new ModelUnavailableException(
                $"{model.File} from {model.Repo}@{model.Revision} has SHA-256 {actual}, " +
                $"not the configured {expected}; the download was deleted. " +
                "Check Stance:Llm:Local:HuggingFace:Sha256 (and Revision).");
        }

        File.Move(part, path, overwrite: true);
        await File.WriteAllTextAsync(verified, expected, cancellationToken).ConfigureAwait(false);
        LogVerified(logger, model.File!, path);
        return path;
    }

    private async Task TransferAsync(Uri url, string part, HuggingFaceModel model, CancellationToken cancellationToken)
    {
        var have = Length(part);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        if (!string.IsNullOrWhiteSpace(model.Token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", model.Token);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            return; // The part file is already whole; the checksum decides.
        }

        if ((int)response.StatusCode >= 500)
        {
            throw new HttpRequestException(
                $"the hub answered {(int)response.StatusCode}",
                null,
                response.StatusCode); // retried, resuming
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ModelUnavailableException(response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    $"{url} answered {(int)response.StatusCode}: a gated or private repository needs HF_TOKEN " +
                    "(environment or user-secrets)",
                HttpStatusCode.NotFound =>
                    $"{url} does not exist: check Stance:Llm:Local:HuggingFace Repo, File and Revision",
                _ => $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}",
            });
        }

        var resumed = response.StatusCode == HttpStatusCode.PartialContent;
        var offset = resumed ? have : 0;
        var total = response.Content.Headers.ContentLength is { } length ? offset + length : (long?)null;
        var target = new FileStream(
            part,
            resumed ? FileMode.Append : FileMode.Create,
            FileAccess.Write,
            FileShare.None,
            1 << 16,
            useAsync: true);
        await using var _ = target.ConfigureAwait(false);
        var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var __ = source.ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        var written = offset;
        var lastReport = time.GetTimestamp();
        var host = url.GetLeftPart(UriPartial.Authority);
        LogDownloading(logger, model.File!, host, offset, total);
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            written += read;
            if (time.GetElapsedTime(lastReport) >= ProgressInterval)
            {
                lastReport = time.GetTimestamp();
                var (doneMb, totalMb, percent) = (
                    written / 1048576.0,
                    total / 1048576.0,
                    total is > 0 ? 100.0 * written / total.Value : (double?)null);
                LogProgress(logger, model.File!, doneMb, totalMb, percent);
            }
        }

        await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (total is { } expected && written < expected)
        {
            throw new IOException($"the transfer ended after {written:N0} of {expected:N0} bytes");
        }
    }

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        await using var _ = stream.ConfigureAwait(false);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    [LoggerMessage(
        EventId = 100,
        Level = LogLevel.Information,
        Message = "Downloading model {File} from {Host} (from byte {From:N0} of {Total:N0})")]
    private static partial void LogDownloading(ILogger logger, string file, string host, long from, long? total);

    [LoggerMessage(
        EventId = 101,
        Level = LogLevel.Information,
        Message = "Downloading model {File}: {DoneMb:F1} of {TotalMb:F1} MB ({Percent:F0} %)")]
    private static partial void LogProgress(
        ILogger logger,
        string file,
        double doneMb,
        double? totalMb,
        double? percent);

    [LoggerMessage(
        EventId = 102,
        Level = LogLevel.Warning,
        Message = "Download of {File} interrupted at {Bytes:N0} bytes ({Reason}); resuming in {Seconds:F1} s")]
    private static partial void LogResuming(ILogger logger, string file, long bytes, string reason, double seconds);

    [LoggerMessage(
        EventId = 103,
        Level = LogLevel.Information,
        Message = "Model {File} downloaded and its SHA-256 verified: {Path}")]
    private static partial void LogVerified(ILogger logger, string file, string path);
}

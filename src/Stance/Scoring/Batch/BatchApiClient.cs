using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Stance.Contract;
using Stance.Scoring.Llm;

namespace Stance.Scoring.Batch;

/// <summary>The provider's Files and Batches REST API (OpenAI's <c>/v1/files</c> and <c>/v1/batches</c>, Azure
/// OpenAI's <c>/openai/v1/…</c>) over the job's own HTTP client. Every call goes through a Polly pipeline: 429 (with
/// its <c>retry-after</c>), 5xx, 408, dropped connections and attempt timeouts are retried with backoff; 401/403 stop
/// the run; other refusals are reported with the provider's message. A download that breaks off resumes where it
/// stopped.</summary>
internal sealed partial class BatchApiClient
{
    private readonly HttpClient _http;
    private readonly BatchEndpoint _endpoint;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _downloads;
    private readonly ResiliencePipeline _uploads;
    private readonly TimeSpan _idleTimeout;
    private readonly ILogger _logger;

    /// <summary>Creates the client.</summary>
    public BatchApiClient(
        HttpClient http,
        BatchEndpoint endpoint,
        ResilienceOptions resilience,
        TimeProvider time,
        ILogger<BatchApiClient> logger)
    {
        _http = http;
        _endpoint = endpoint;
        _logger = logger;
        var retry = new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<BatchTransientException>()
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>()
                .Handle<TimeoutException>()
                .Handle<IOException>(),
            MaxRetryAttempts = resilience.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = resilience.BaseDelay,
            MaxDelay = resilience.MaxDelay,
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Exception is BatchTransientException { RetryAfter: { } after }
                    ? (TimeSpan?)Min(after, resilience.MaxRetryAfter)
                    : null),
            OnRetry = args =>
            {
                LogRetry(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds,
                    args.Outcome.Exception?.Message ?? "no answer");
                return ValueTask.CompletedTask;
            },
        };
        _idleTimeout = resilience.AttemptTimeout;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(retry)
            .AddTimeout(resilience.AttemptTimeout)
            .Build();

        // A download may take longer than an attempt: it is bounded by the time between reads instead. An upload of
        // up to 200 MB gets an hour (or the attempt timeout, if longer).
        _downloads = new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(retry).Build();
        _uploads = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(retry)
            .AddTimeout(TimeSpan.FromTicks(Math.Max(resilience.AttemptTimeout.Ticks, TimeSpan.FromHours(1).Ticks)))
            .Build();
    }

    /// <summary>Uploads the request file at <paramref name="path"/> (streamed) as <paramref name="fileName"/>;
    /// returns its file id.</summary>
    /// <remarks>A retry first looks for the file by its name: an upload whose reply was lost may have been
    /// stored.</remarks>
    public Task<string> UploadAsync(string path, string fileName, CancellationToken cancellationToken) =>
        SendAsync(
            "upload",
            () =>
            {
                var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" } };
                var file = new StreamContent(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read,
                    1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous));
                file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
                form.Add(file, "file", fileName);
                return new HttpRequestMessage(HttpMethod.Post, _endpoint.Url("files")) { Content = form };
            },
            json => json.GetProperty("id").GetString()!,
            cancellationToken,
            ct => FindFileAsync(fileName, ct),
            _uploads);

    /// <summary>The id of an uploaded batch file named <paramref name="fileName"/>, or null (a run that stopped
    /// between upload and journal finds its file here instead of uploading it again).</summary>
    public async Task<string?> FindFileAsync(string fileName, CancellationToken cancellationToken)
    {
        string? after = null;
        for (var page = 0; page < 100; page++)
        {
            var query = "files?purpose=batch&limit=10000&order=desc"
                + (after is null ? string.Empty : $"&after={after}");
            var (files, more, last) = await ListAsync("list_files", query, cancellationToken).ConfigureAwait(false);
            if (files.FirstOrDefault(f => f.TryGetProperty("filename", out var n) && n.GetString() == fileName) is
                { ValueKind: JsonValueKind.Object } found)
            {
                return found.GetProperty("id").GetString();
            }

            if (!more || last is null)
            {
                return null;
            }

            after = last;
        }

        return null;
    }

    /// <summary>Creates a batch of the uploaded file, tagged with <paramref name="metadata"/>. A retry first looks
    /// for a batch with these tags: a create whose reply was lost may have made one, and a second would be paid
    /// twice.</summary>
    public Task<BatchInfo> CreateAsync(
        string inputFileId,
        IReadOnlyDictionary<string, string> metadata,
        CancellationToken cancellationToken) =>
        SendAsync(
            "create",
            () =>
            {
                var body = new JsonObject
                {
                    ["input_file_id"] = inputFileId,
                    ["endpoint"] = _endpoint.LinePath,
                    ["completion_window"] = "24h",
                    ["metadata"] = new JsonObject(metadata.Select(m =>
                        KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value)))),
                };
                return new HttpRequestMessage(HttpMethod.Post, _endpoint.Url("batches"))
                {
                    Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
                };
            },
            BatchInfo.Parse,
            cancellationToken,
            ct => FindBatchAsync(metadata, ct));

    /// <summary>The batch's current state.</summary>
    public Task<BatchInfo> RetrieveAsync(string batchId, CancellationToken cancellationToken) =>
        SendAsync(
            "retrieve",
            () => new HttpRequestMessage(HttpMethod.Get, _endpoint.Url($"batches/{batchId}")),
            BatchInfo.Parse,
            cancellationToken);

    /// <summary>Asks the provider to cancel the batch (its finished lines are kept).</summary>
    public Task<BatchInfo> CancelAsync(string batchId, CancellationToken cancellationToken) =>
        SendAsync(
            "cancel",
            () => new HttpRequestMessage(HttpMethod.Post, _endpoint.Url($"batches/{batchId}/cancel")),
            BatchInfo.Parse,
            cancellationToken);

    /// <summary>The most recent batch whose metadata holds every entry of <paramref name="tags"/>, or null (a run
    /// that stopped between create and journal attaches to it instead of creating a second one).</summary>
    public async Task<BatchInfo?> FindBatchAsync(
        IReadOnlyDictionary<string, string> tags,
        CancellationToken cancellationToken)
    {
        string? after = null;
        for (var page = 0; page < 100; page++)
        {
            var query = "batches?limit=100" + (after is null ? string.Empty : $"&after={after}");
            var (batches, more, last) = await ListAsync("list", query, cancellationToken).ConfigureAwait(false);
            foreach (var batch in batches.Select(BatchInfo.Parse))
            {
                if (tags.All(t => batch.Metadata.TryGetValue(t.Key, out var value) && value == t.Value))
                {
                    return batch;
                }
            }

            if (!more || last is null)
            {
                return null;
            }

            after = last;
        }

        return null;
    }

    /// <summary>Reads the file's lines as they arrive, each handed over once: a connection that breaks off or stalls
    /// (no byte for an attempt timeout) is resumed from the byte after the last whole line (or the file is read
    /// again from the start, skipping what was handed over, when the server ignores the range).</summary>
    public async Task DownloadLinesAsync(
        string fileId,
        Func<string, ValueTask> line,
        CancellationToken cancellationToken)
    {
        var handedOver = new DownloadPosition();
        await _downloads.ExecuteAsync(
            async ct =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, _endpoint.Url($"files/{fileId}/content"));
                _endpoint.Authorize(request);
                if (handedOver.Bytes > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(handedOver.Bytes, null);
                }

                using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
                headers.CancelAfter(_idleTimeout);
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token)
                        .ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"download: no answer within {_idleTimeout}");
                }

                using (response)
                {
                    await EnsureSuccessAsync("download", response, ct).ConfigureAwait(false);
                    var start = response.StatusCode == HttpStatusCode.PartialContent ? handedOver.Bytes : 0;
                    var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    await using (stream.ConfigureAwait(false))
                    {
                        await ReadLinesAsync(stream, start, handedOver, line, ct).ConfigureAwait(false);
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a file at the provider; a file already gone is not an error.</summary>
    public async Task DeleteFileAsync(string fileId, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(
                "delete_file",
                () => new HttpRequestMessage(HttpMethod.Delete, _endpoint.Url($"files/{fileId}")),
                _ => true,
                cancellationToken).ConfigureAwait(false);
        }
        catch (BatchApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    // Hands over each whole line that ends past what was handed over before; `start` is the file offset of the
    // stream's first byte. A read that waits longer than the idle timeout fails the attempt (and is resumed).
    private async Task ReadLinesAsync(
        Stream stream,
        long start,
        DownloadPosition handedOver,
        Func<string, ValueTask> line,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var pending = new MemoryStream();
        var position = start;
        while (true)
        {
            int read;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                idle.CancelAfter(_idleTimeout);
                try
                {
                    read = await stream.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"download: no byte within {_idleTimeout}");
                }
            }

            if (read == 0)
            {
                break;
            }

            var from = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                pending.Write(buffer, from, i - from);
                await HandOverAsync(pending, position + i + 1, handedOver, line).ConfigureAwait(false);
                from = i + 1;
            }

            pending.Write(buffer, from, read - from);
            position += read;
        }

        if (pending.Length > 0)
        {
            await HandOverAsync(pending, position, handedOver, line).ConfigureAwait(false);
        }
    }

    private static async ValueTask HandOverAsync(
        MemoryStream pending,
        long end,
        DownloadPosition handedOver,
        Func<string, ValueTask> line)
    {
        if (end > handedOver.Bytes)
        {
            var text = Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length).TrimEnd('\r');
            if (text.Length > 0)
            {
                await line(text).ConfigureAwait(false);
            }

            handedOver.Bytes = end;
        }

        pending.SetLength(0);
    }

    /// <summary>How far a download has been handed over, kept across its resumed attempts.</summary>
    private sealed class DownloadPosition
    {
        public long Bytes { get; set; }
    }

    private async Task<(List<JsonElement> Items, bool More, string? Last)> ListAsync(
        string operation,
        string query,
        CancellationToken cancellationToken) =>
        await SendAsync(
            operation,
            () => new HttpRequestMessage(HttpMethod.Get, _endpoint.Url(query)),
            json =>
            {
                var items = json.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
                    ? data.EnumerateArray().Select(item => item.Clone()).ToList()
                    : [];
                var more = json.TryGetProperty("has_more", out var m) && m.ValueKind == JsonValueKind.True;
                var last = json.TryGetProperty("last_id", out var l) && l.ValueKind == JsonValueKind.String
                    ? l.GetString()
                    : items.LastOrDefault() is { ValueKind: JsonValueKind.Object } item
                        ? item.GetProperty("id").GetString()
                        : null;
                return (items, more, last);
            },
            cancellationToken).ConfigureAwait(false);

    private async Task<T> SendAsync<T>(
        string operation,
        Func<HttpRequestMessage> request,
        Func<JsonElement, T> read,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<T?>>? madeBefore = null,
        ResiliencePipeline? pipeline = null)
    {
        var attempts = 0;
        return await (pipeline ?? _pipeline).ExecuteAsync(
            async ct =>
            {
                // A call that creates something is not sent again blindly after a failure whose outcome is unknown.
                if (attempts++ > 0 && madeBefore is not null && await madeBefore(ct).ConfigureAwait(false) is { } made)
                {
                    return made;
                }

                using var message = request();
                _endpoint.Authorize(message);
                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct)
                    .ConfigureAwait(false);
                await EnsureSuccessAsync(operation, response, ct).ConfigureAwait(false);
                var json = await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
                return read(json);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureSuccessAsync(string operation, HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var message = ErrorMessage(body) ?? $"HTTP {(int)response.StatusCode}";
        var status = response.StatusCode;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RunAbortedException(FailureKind.Auth,
                $"the provider refused the credentials for the Batch API ({operation}: {(int)status} {message})");
        }

        if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500)
        {
            throw new BatchTransientException($"{operation}: {(int)status} {message}", RetryAfter(response));
        }

        throw new BatchApiException(status, $"{operation}: {(int)status} {message}");
    }

    private static string? ErrorMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error)
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var millis))
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        return response.Headers.RetryAfter?.Delta;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning,
        Message = "Batch API call retried (attempt {Attempt}) in {Seconds:F1} s: {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, double seconds, string reason);
}

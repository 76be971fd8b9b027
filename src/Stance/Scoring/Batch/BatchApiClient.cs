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
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<BatchTransientException>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
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
            })
            .AddTimeout(resilience.AttemptTimeout)
            .Build();
    }

    /// <summary>Uploads the request file at <paramref name="path"/> (streamed) as <paramref name="fileName"/>;
    /// returns its file id.</summary>
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
            cancellationToken);

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

    /// <summary>Creates a batch of the uploaded file, tagged with <paramref name="metadata"/>.</summary>
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
            cancellationToken);

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

    /// <summary>Reads the file's lines as they arrive; a connection that breaks off is resumed from the byte where
    /// it stopped (or the file is read again from the start, skipping what was read, when the server ignores the
    /// range).</summary>
    public async Task DownloadLinesAsync(
        string fileId,
        Func<string, ValueTask> line,
        CancellationToken cancellationToken)
    {
        long consumed = 0;
        await _pipeline.ExecuteAsync(
            async ct =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, _endpoint.Url($"files/{fileId}/content"));
                _endpoint.Authorize(request);
                if (consumed > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(consumed, null);
                }

                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct)
                    .ConfigureAwait(false);
                await EnsureSuccessAsync("download", response, ct).ConfigureAwait(false);
                var skip = response.StatusCode == HttpStatusCode.PartialContent ? 0 : consumed;
                var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    consumed += await ReadLinesAsync(stream, skip, line, ct).ConfigureAwait(false) - skip;
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

    // Reads whole lines; returns the bytes consumed through the last complete line (a partial last line is read
    // again on resume). Lines of the first `skip` bytes were handed over before and are not handed again.
    private static async Task<long> ReadLinesAsync(
        Stream stream,
        long skip,
        Func<string, ValueTask> line,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var pending = new MemoryStream();
        long position = 0;
        long consumed = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                pending.Write(buffer, start, i - start);
                var lineEnd = position + i + 1;
                if (lineEnd > skip)
                {
                    var text = Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length).TrimEnd('\r');
                    if (text.Length > 0)
                    {
                        await line(text).ConfigureAwait(false);
                    }
                }

                consumed = lineEnd;
                pending.SetLength(0);
                start = i + 1;
            }

            pending.Write(buffer, start, read - start);
            position += read;
        }

        if (pending.Length > 0 && position > skip)
        {
            var text = Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length).TrimEnd('\r');
            if (text.Length > 0)
            {
                await line(text).ConfigureAwait(false);
            }

            consumed = position;
        }

        return Math.Max(consumed, skip);
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
        CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(
            async ct =>
            {
                using var message = request();
                _endpoint.Authorize(message);
                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct)
                    .ConfigureAwait(false);
                await EnsureSuccessAsync(operation, response, ct).ConfigureAwait(false);
                var json = await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
                return read(json);
            },
            cancellationToken).ConfigureAwait(false);

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

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Stance.Scoring.Batch;

/// <summary>The Files API: uploading a request file, finding one uploaded before, reading an output file line by
/// line and deleting a file.</summary>
internal sealed partial class BatchApiClient
{
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
                    await BatchApiErrors.EnsureSuccessAsync("download", response, ct).ConfigureAwait(false);
                    var start = response.StatusCode == HttpStatusCode.PartialContent ? handedOver.Bytes : 0;
                    var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    await using (stream.ConfigureAwait(false))
                    {
                        await BatchLineReader.ReadLinesAsync(stream, start, handedOver, line, _idleTimeout, ct)
                            .ConfigureAwait(false);
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
}

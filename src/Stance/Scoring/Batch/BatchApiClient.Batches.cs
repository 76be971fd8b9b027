using System.Text;
using System.Text.Json.Nodes;

namespace Stance.Scoring.Batch;

/// <summary>The Batches API: creating a batch, following and cancelling it, and finding one created
/// before.</summary>
internal sealed partial class BatchApiClient
{
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
}

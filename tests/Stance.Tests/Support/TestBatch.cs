using System.Text.Json.Nodes;

namespace Stance.Tests.Support;

/// <summary>One batch the server holds; <see cref="TestBatchApi"/> changes it under its lock, tests read it.</summary>
internal sealed class TestBatch
{
    private readonly List<RecordedRequest> _requests = [];

    internal TestBatch(TestBatchInfo info, string completionWindow, bool hasMetadata,
        IReadOnlyList<TestBatchLine> lines, IReadOnlyList<TestBatchError> validationErrors, TestBatchOutcome outcome,
        string authorization, string apiKey, long createdAt)
    {
        Info = info;
        CompletionWindow = completionWindow;
        HasMetadata = hasMetadata;
        Lines = lines;
        ValidationErrors = validationErrors;
        Outcome = outcome;
        Authorization = authorization;
        ApiKey = apiKey;
        CreatedAt = createdAt;
        ExpiresAt = createdAt + 24 * 3600;
    }

    /// <summary>What the outcome script was told.</summary>
    public TestBatchInfo Info { get; }

    /// <summary>The batch id.</summary>
    public string Id => Info.Id;

    /// <summary>1 for the first batch created on the server, 2 for the next, ...</summary>
    public int Number => Info.Number;

    /// <summary>The input file id.</summary>
    public string InputFileId => Info.InputFileId;

    /// <summary>The endpoint the batch was created for.</summary>
    public string Endpoint => Info.Endpoint;

    /// <summary>The metadata sent at create (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Metadata => Info.Metadata;

    /// <summary>The <c>completion_window</c> sent at create.</summary>
    public string CompletionWindow { get; }

    /// <summary>The valid request lines of the input file, in file order.</summary>
    public IReadOnlyList<TestBatchLine> Lines { get; }

    /// <summary>What the input file's validation found (the batch fails when this is not empty).</summary>
    public IReadOnlyList<TestBatchError> ValidationErrors { get; }

    /// <summary>How the batch was scripted to end.</summary>
    public TestBatchOutcome Outcome { get; }

    /// <summary>The <c>Authorization</c> header of the create call.</summary>
    public string Authorization { get; }

    /// <summary>The <c>api-key</c> header of the create call.</summary>
    public string ApiKey { get; }

    /// <summary>The current status, as the last retrieve (or the create, or the cancel) reported it.</summary>
    public string Status { get; internal set; } = "validating";

    /// <summary>How many retrieves have seen the batch before it ended (they drive its progress).</summary>
    public int Retrieves { get; internal set; }

    /// <summary>Whether the client called the cancel endpoint (and it was accepted).</summary>
    public bool CancelRequested { get; internal set; }

    /// <summary>The output file, once the batch has ended with at least one successful line.</summary>
    public string? OutputFileId { get; internal set; }

    /// <summary>The error file, once the batch has ended with at least one failed line.</summary>
    public string? ErrorFileId { get; internal set; }

    /// <summary>The errors reported in <c>errors</c> (validation or scripted), when the batch failed.</summary>
    public IReadOnlyList<TestBatchError> Errors { get; internal set; } = [];

    /// <summary>The request the <see cref="OpenAiTestServer.Responder"/> saw for each answered line, in line
    /// order (<see cref="RecordedRequest.Path"/> is the line's <c>url</c>, <see cref="RecordedRequest.Body"/> its
    /// <c>body</c>).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests;

    internal bool HasMetadata { get; }

    internal long CreatedAt { get; }

    internal long ExpiresAt { get; }

    internal long? InProgressAt { get; set; }

    internal long? FinalizingAt { get; set; }

    internal long? CompletedAt { get; set; }

    internal long? FailedAt { get; set; }

    internal long? ExpiredAt { get; set; }

    internal long? CancellingAt { get; set; }

    internal long? CancelledAt { get; set; }

    internal int CompletedCount { get; set; }

    internal int FailedCount { get; set; }

    internal (long Input, long Output) Tokens { get; set; }

    /// <summary>Whether the batch has reached a final status.</summary>
    public bool Ended => Status is "completed" or "failed" or "expired" or "cancelled";

    internal void AddRequest(RecordedRequest request) => _requests.Add(request);

    /// <summary>The batch object, as the API returns it.</summary>
    internal JsonObject ToJson()
    {
        JsonObject? errors = null;
        if (Errors.Count > 0)
        {
            errors = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. Errors.Select(e => (JsonNode)new JsonObject
                {
                    ["code"] = e.Code,
                    ["message"] = e.Message,
                    ["param"] = e.Param,
                    ["line"] = e.Line,
                })]),
            };
        }

        JsonObject? metadata = null;
        if (HasMetadata)
        {
            metadata = [];
            foreach (var (key, value) in Metadata)
            {
                metadata[key] = value;
            }
        }

        return new JsonObject
        {
            ["id"] = Id,
            ["object"] = "batch",
            ["endpoint"] = Endpoint,
            ["model"] = Info.Model,
            ["errors"] = errors,
            ["input_file_id"] = InputFileId,
            ["completion_window"] = CompletionWindow,
            ["status"] = Status,
            ["output_file_id"] = OutputFileId,
            ["error_file_id"] = ErrorFileId,
            ["created_at"] = CreatedAt,
            ["in_progress_at"] = InProgressAt,
            ["expires_at"] = ExpiresAt,
            ["finalizing_at"] = FinalizingAt,
            ["completed_at"] = CompletedAt,
            ["failed_at"] = FailedAt,
            ["expired_at"] = ExpiredAt,
            ["cancelling_at"] = CancellingAt,
            ["cancelled_at"] = CancelledAt,
            ["request_counts"] = new JsonObject
            {
                ["total"] = Errors.Count > 0 ? 0 : Lines.Count,
                ["completed"] = CompletedCount,
                ["failed"] = FailedCount,
            },
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = Tokens.Input,
                ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
                ["output_tokens"] = Tokens.Output,
                ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                ["total_tokens"] = Tokens.Input + Tokens.Output,
            },
            ["metadata"] = metadata,
        };
    }
}

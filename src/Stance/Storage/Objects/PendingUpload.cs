namespace Stance.Storage.Objects;

/// <summary>A staged upload: plain data, so a commit record can carry it to the process that completes it.</summary>
/// <param name="Key">The key it becomes, relative to the root.</param>
/// <param name="UploadId">The S3 multipart upload id; empty on Azure, where staged blocks belong to the blob
/// name.</param>
/// <param name="Parts">What completing it needs, in order: the S3 part ETags, or the Azure block ids.</param>
internal sealed record PendingUpload(string Key, string UploadId, IReadOnlyList<string> Parts);

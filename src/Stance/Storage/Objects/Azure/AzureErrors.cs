using Azure;
using Azure.Identity;

namespace Stance.Storage.Objects.Azure;

/// <summary>Turns the Azure SDK's failures into <see cref="ObjectStoreException"/>s that name the blob
/// (<c>az://container/name</c>) and what to check, and never a credential: the message is built from the status and
/// the error code only, never from the SDK's message (which quotes the request).</summary>
internal static class AzureErrors
{
    /// <summary>Whether <paramref name="error"/> says the blob (not its container) does not exist.</summary>
    public static bool IsBlobNotFound(RequestFailedException error) =>
        error.Status == 404 && error.ErrorCode is not "ContainerNotFound";

    /// <summary>The exception for <paramref name="error"/>, thrown while trying to <paramref name="action"/>
    /// <paramref name="blob"/> (<c>az://container/name</c>).</summary>
    public static ObjectStoreException For(Exception error, string action, string blob) => error switch
    {
        RequestFailedException failed => new ObjectStoreException(
            $"Azure Blob Storage could not {action} {blob}: {Describe(failed)}; {Hint(failed, blob)}", failed),
        AuthenticationFailedException => new ObjectStoreException(
            $"Azure Blob Storage could not {action} {blob}: no credential of the Azure credential chain could sign "
            + "in; set AZURE_STORAGE_CONNECTION_STRING, or sign in (az login, a managed identity, workload identity "
            + "on AKS) as an identity with the 'Storage Blob Data Contributor' role on the account",
            error),
        _ => new ObjectStoreException($"Azure Blob Storage could not {action} {blob}: {error.GetType().Name}", error),
    };

    private static string Describe(RequestFailedException error) => error.Status == 0
        ? "no response"
        : $"HTTP {error.Status}{(string.IsNullOrEmpty(error.ErrorCode) ? string.Empty : $" {error.ErrorCode}")}";

    private static string Hint(RequestFailedException error, string blob) => (error.Status, error.ErrorCode) switch
    {
        (0, _) => "check the account name or endpoint and that the network reaches it",
        (404, "ContainerNotFound") => $"the container of {blob} does not exist: create it or fix the location",
        (403, "AuthenticationFailed") => "check the credential (the AccountKey or SAS in "
            + "AZURE_STORAGE_CONNECTION_STRING: a wrong key, an expired SAS; or the signed-in identity) and the clock",
        (403, _) => "the identity needs the 'Storage Blob Data Contributor' role on the account or container "
            + "(or a SAS allowing read, write, delete and list)",
        (401, _) => "check the credential (AZURE_STORAGE_CONNECTION_STRING or the identity signed in)",
        (409, "BlobImmutableDueToPolicy" or "BlobImmutableDueToLegalHold") =>
            "an immutability policy or legal hold protects it",
        (>= 500, _) => "the service kept failing after the SDK's retries; try again later",
        _ => "see the status and error code in Azure's Blob Storage error code reference",
    };
}

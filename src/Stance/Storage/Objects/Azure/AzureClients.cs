using System.Text.RegularExpressions;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Stance.Storage.Objects.Azure;

/// <summary>Builds the client of an Azure Blob location. Credentials come only from the environment: a connection
/// string in <c>AZURE_STORAGE_CONNECTION_STRING</c> (account key or SAS; <c>UseDevelopmentStorage=true</c> for
/// Azurite), else the Azure credential chain (<see cref="DefaultAzureCredential"/>: workload identity on AKS, a managed
/// identity, the Azure CLI's sign-in, …) for the account the location or <c>AZURE_STORAGE_ACCOUNT</c> names. Nothing
/// here logs or repeats a credential.</summary>
internal static partial class AzureClients
{
    /// <summary>The variable holding a connection string.</summary>
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>The variable naming the account for <c>az://</c> locations signed in with an Azure identity.</summary>
    public const string AccountVariable = "AZURE_STORAGE_ACCOUNT";

    /// <summary>The store at <paramref name="location"/>.</summary>
    /// <param name="location">An Azure Blob location.</param>
    /// <param name="environment">Reads an environment variable; null: the process's environment.</param>
    public static AzureBlobObjectStore CreateStore(
        ObjectLocation location,
        Func<string, string?>? environment = null) =>
        new(Container(location, environment), location.Prefix);

    /// <summary>The container client of <paramref name="location"/>; throws <see cref="ObjectStoreException"/> saying
    /// what to set when the environment does not say how to reach it.</summary>
    /// <param name="location">An Azure Blob location.</param>
    /// <param name="environment">Reads an environment variable; null: the process's environment.</param>
    public static BlobContainerClient Container(ObjectLocation location, Func<string, string?>? environment = null)
    {
        if (location.Kind != ObjectStoreKind.AzureBlob)
        {
            throw new ArgumentException($"{location} is not an Azure Blob location", nameof(location));
        }

        environment ??= Environment.GetEnvironmentVariable;
        var options = new BlobClientOptions();
        var connectionString = environment(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var service = FromConnectionString(connectionString, options);
            var named = location.AccountUrl?.Host.Split('.')[0];
            if (named is not null
                && !string.Equals(named, service.AccountName, StringComparison.OrdinalIgnoreCase))
            {
                throw new ObjectStoreException(
                    $"The location {location} names the storage account '{named}' but {ConnectionStringVariable} is "
                    + $"for the account '{service.AccountName}': use az://{location.Container}/… with that "
                    + $"connection string, or unset {ConnectionStringVariable} to sign in to '{named}' with an Azure "
                    + "identity");
            }

            return service.GetBlobContainerClient(location.Container);
        }

        var account = location.AccountUrl ?? AccountFromEnvironment(environment);
        if (account is null)
        {
            throw new ObjectStoreException(
                $"{location} does not say which storage account to use: set {AccountVariable} to the account name "
                + "(signing in with an Azure identity: workload identity, a managed identity, az login), or "
                + $"{ConnectionStringVariable}, or write the location as "
                + $"https://ACCOUNT.blob.core.windows.net/{location.Container}/…");
        }

        return new BlobServiceClient(account, new DefaultAzureCredential(), options)
            .GetBlobContainerClient(location.Container);
    }

    private static BlobServiceClient FromConnectionString(string connectionString, BlobClientOptions options)
    {
        try
        {
            return new BlobServiceClient(connectionString, options);
        }
        catch (Exception error) when (error is FormatException or ArgumentException or InvalidOperationException)
        {
            // Not the SDK's message: it may quote the connection string.
            throw new ObjectStoreException(
                $"{ConnectionStringVariable} is not an Azure Storage connection string (expected "
                + "DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…, one with a SharedAccessSignature, or "
                + "UseDevelopmentStorage=true): fix it or unset it");
        }
    }

    private static Uri? AccountFromEnvironment(Func<string, string?> environment)
    {
        var name = environment(AccountVariable)?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        return AccountName().IsMatch(name)
            ? new Uri($"https://{name}.blob.core.windows.net")
            : throw new ObjectStoreException(
                $"{AccountVariable} must be a storage account name (3 to 24 lowercase letters and digits)");
    }

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountName();
}

using System.Buffers;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Stance.Storage.Objects.Azure;

/// <summary>Staged uploads: uncommitted blocks of a block blob, invisible to readers and listers until Put Block
/// List commits them.</summary>
internal sealed partial class AzureBlobObjectStore
{
    /// <summary>The size of a staged block, and so the memory a staged upload holds.</summary>
    public const int BlockSize = 8 * 1024 * 1024;

    /// <inheritdoc />
    /// <remarks>A failure leaves the blocks staged so far uncommitted: <see cref="ListPendingAsync"/> lists them until
    /// they are aborted (or expire after a week).</remarks>
    public async Task<PendingUpload> StageAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var blob = Blob(key);
        var token = AzureBlockIds.NewToken();
        var ids = new List<string>();
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            int read;
            do
            {
                read = await content
                    .ReadAtLeastAsync(buffer.AsMemory(0, BlockSize), BlockSize, false, cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (ids.Count == AzureBlockIds.MaxBlocks)
                {
                    throw new ObjectStoreException(
                        $"{Display(key)} is larger than a block blob may be ({AzureBlockIds.MaxBlocks} blocks of "
                        + $"{BlockSize / (1024 * 1024)} MiB)");
                }

                var id = AzureBlockIds.Of(token, ids.Count);
                using var block = new MemoryStream(buffer, 0, read, writable: false);
                await blob.StageBlockAsync(id, block, new BlockBlobStageBlockOptions(), cancellationToken)
                    .ConfigureAwait(false);
                ids.Add(id);
            }
            while (read == BlockSize);
        }
        catch (Exception error) when (IsAzure(error))
        {
            throw AzureErrors.For(error, "stage a block of", Display(key));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new PendingUpload(key, string.Empty, ids);
    }

    /// <inheritdoc />
    public async Task CompleteAsync(PendingUpload upload, CancellationToken cancellationToken)
    {
        var blob = Blob(upload.Key);
        try
        {
            // Checked first: Azurite (3.37) keeps a deleted blob's uncommitted blocks and would commit them.
            var blocks = await BlocksAsync(blob, BlockListTypes.All, cancellationToken).ConfigureAwait(false);
            if (IsCommitted(blocks, upload.Parts))
            {
                return;
            }

            var uncommitted = blocks?.UncommittedBlocks.Select(b => b.Name).ToHashSet(StringComparer.Ordinal) ?? [];
            if (!upload.Parts.All(uncommitted.Contains))
            {
                throw Gone(upload);
            }

            try
            {
                await blob.CommitBlockListAsync(upload.Parts, new CommitBlockListOptions(), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (RequestFailedException error) when (error.ErrorCode == "InvalidBlockList")
            {
                // Another attempt or process committed them in between: done if the blob is made of exactly them.
                var now = await BlocksAsync(blob, BlockListTypes.Committed, cancellationToken).ConfigureAwait(false);
                if (!IsCommitted(now, upload.Parts))
                {
                    throw Gone(upload);
                }
            }
        }
        catch (Exception error) when (IsAzure(error))
        {
            throw AzureErrors.For(error, "complete the staged upload of", Display(upload.Key));
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PendingUpload>> ListPendingAsync(
        string prefix,
        CancellationToken cancellationToken)
    {
        try
        {
            var committed = new HashSet<string>(StringComparer.Ordinal);
            var listing = new GetBlobsOptions { Prefix = NameOf(prefix) };
            await foreach (var item in _container.GetBlobsAsync(listing, cancellationToken).ConfigureAwait(false))
            {
                committed.Add(item.Name);
            }

            var names = new List<string>();
            listing.States = BlobStates.Uncommitted;
            await foreach (var item in _container.GetBlobsAsync(listing, cancellationToken).ConfigureAwait(false))
            {
                if (!committed.Contains(item.Name))
                {
                    names.Add(item.Name);
                }
            }

            var pending = new List<PendingUpload>();
            foreach (var name in names)
            {
                var blob = _container.GetBlockBlobClient(name);
                var blocks = await BlocksAsync(blob, BlockListTypes.All, cancellationToken).ConfigureAwait(false);
                if (blocks is not null && !blocks.CommittedBlocks.Any())
                {
                    pending.AddRange(AzureBlockIds.Uploads(KeyOf(name), blocks.UncommittedBlocks.Select(b => b.Name)));
                }
            }

            return pending;
        }
        catch (Exception error) when (IsAzure(error))
        {
            throw AzureErrors.For(error, "list the staged uploads under", Display(prefix) + "*");
        }
    }

    /// <inheritdoc />
    /// <remarks>Deleting a blob name that has only uncommitted blocks discards them (nothing ever becomes visible),
    /// and with them any other upload staged under that key. When a committed object has the key (this upload was
    /// completed, or an older object), nothing is deleted: the service discards the uncommitted blocks a week after
    /// the last one was staged, and until then completing this upload would still succeed.</remarks>
    public async Task AbortAsync(PendingUpload upload, CancellationToken cancellationToken)
    {
        var blob = Blob(upload.Key);
        try
        {
            if (await blob.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var blocks = await BlocksAsync(blob, BlockListTypes.Uncommitted, cancellationToken).ConfigureAwait(false);
            var ours = upload.Parts.ToHashSet(StringComparer.Ordinal);
            if (blocks is not null && blocks.UncommittedBlocks.Any(b => ours.Contains(b.Name)))
            {
                await blob.DeleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException error) when (AzureErrors.IsBlobNotFound(error))
        {
            // Gone already.
        }
        catch (Exception error) when (IsAzure(error))
        {
            throw AzureErrors.For(error, "abort the staged upload of", Display(upload.Key));
        }
    }

    private static bool IsCommitted(BlockList? blocks, IReadOnlyList<string> parts) =>
        blocks is not null && blocks.CommittedBlocks.Select(b => b.Name).SequenceEqual(parts, StringComparer.Ordinal)
        && (parts.Count > 0 || !blocks.UncommittedBlocks.Any());

    private static async Task<BlockList?> BlocksAsync(
        BlockBlobClient blob,
        BlockListTypes types,
        CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.GetBlockListAsync(types, cancellationToken: cancellationToken).ConfigureAwait(false))
                .Value;
        }
        catch (RequestFailedException error) when (AzureErrors.IsBlobNotFound(error))
        {
            return null;
        }
    }

    private ObjectStoreException Gone(PendingUpload upload) => new(
        $"The staged upload of {Display(upload.Key)} is gone and no object made of its blocks is there: it was "
        + "aborted, replaced by another upload of that key, or its blocks expired (Azure discards uncommitted blocks "
        + "a week after the last was staged); stage it again")
    {
        UploadGone = true,
    };
}

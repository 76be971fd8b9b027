using System.Globalization;
using System.Text;

namespace Stance.Storage.Objects.Azure;

/// <summary>The block ids of a staged upload: base64 of <c>TOKEN-NNNNNN</c>, a random upload token (32 hex digits)
/// and the block's index, so every id of every upload has the same length (Azure requires it per blob) and the ids
/// of two uploads of one blob never collide.</summary>
internal static class AzureBlockIds
{
    /// <summary>The most blocks a block blob may hold.</summary>
    public const int MaxBlocks = 50_000;

    /// <summary>A new upload token.</summary>
    public static string NewToken() => Guid.NewGuid().ToString("N");

    /// <summary>The id of block <paramref name="index"/> of the upload <paramref name="token"/>.</summary>
    public static string Of(string token, int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(
            $"{token}-{index.ToString("D6", CultureInfo.InvariantCulture)}"));

    /// <summary>The upload token and block index of <paramref name="id"/>, or null for an id this class did not
    /// make.</summary>
    public static (string Token, int Index)? Parse(string id)
    {
        Span<byte> bytes = stackalloc byte[64];
        if (!Convert.TryFromBase64String(id, bytes, out var length) || length != 39 || bytes[32] != (byte)'-')
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(bytes[..length]);
        return int.TryParse(text.AsSpan(33), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? (text[..32], index)
            : null;
    }

    /// <summary>The staged uploads in <paramref name="ids"/> (the uncommitted blocks of one blob): one per upload
    /// token, its blocks in index order; blocks this store did not stage form one upload, in listed order.</summary>
    public static IEnumerable<PendingUpload> Uploads(string key, IEnumerable<string> ids)
    {
        var parsed = ids.Select(id => (Id: id, Block: Parse(id))).ToList();
        foreach (var upload in parsed.Where(b => b.Block is not null).GroupBy(b => b.Block!.Value.Token))
        {
            yield return new PendingUpload(
                key, string.Empty, [.. upload.OrderBy(b => b.Block!.Value.Index).Select(b => b.Id)]);
        }

        if (parsed.Where(b => b.Block is null).Select(b => b.Id).ToList() is { Count: > 0 } foreign)
        {
            yield return new PendingUpload(key, string.Empty, foreign);
        }
    }
}

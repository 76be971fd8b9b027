using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Stance.Review;

/// <summary>Which target rows a person should look at: every row whose score is below the threshold, plus a seeded
/// random slice of the rest, so the review also measures the confident ones.</summary>
internal static class ReviewSelection
{
    /// <summary>The rows below <paramref name="threshold"/> (each row decided on its own) and
    /// round(<paramref name="share"/> × the other rows' count) of the others, in (paragraph_id, target) order. The
    /// slice is the rows with the smallest keys SHA-256(seed, paragraph_id, target): the same rows and seed give the
    /// same slice on every machine and .NET version, whatever order the rows were read in.</summary>
    public static IReadOnlyList<ReviewItem> Pick(
        IEnumerable<ReviewTargetRow> rows,
        IReadOnlyDictionary<string, ReviewParagraphRow> paragraphs,
        Func<ReviewTargetRow, double> score,
        double threshold,
        double share,
        int seed)
    {
        // One row per id: a date holds one row per paragraph and target; should a target repeat, the least sure
        // row stands for it.
        var ordered = rows
            .GroupBy(r => ReviewIds.Of(r.ParagraphId, r.Target), StringComparer.Ordinal)
            .Select(g => g.MinBy(score)!)
            .OrderBy(r => r.ParagraphId, StringComparer.Ordinal)
            .ThenBy(r => r.Target, StringComparer.Ordinal)
            .ToList();
        var low = ordered.Where(r => score(r) < threshold).ToHashSet();
        var rest = ordered.Where(r => !low.Contains(r)).ToList();
        var count = (int)Math.Round(share * rest.Count, MidpointRounding.AwayFromZero);
        var slice = rest
            .Select(r => (Row: r, Key: Key(seed, r)))
            .OrderBy(k => k.Key)
            .ThenBy(k => k.Row.ParagraphId, StringComparer.Ordinal)
            .ThenBy(k => k.Row.Target, StringComparer.Ordinal)
            .Take(count)
            .Select(k => k.Row)
            .ToHashSet();
        return [.. ordered
            .Where(r => low.Contains(r) || slice.Contains(r))
            .Select(r => new ReviewItem(
                r,
                paragraphs.GetValueOrDefault(r.ParagraphId),
                score(r),
                low.Contains(r) ? ReviewItem.LowScore : ReviewItem.Random))];
    }

    /// <summary>The row's place in the random order of <paramref name="seed"/>: the first 8 bytes of SHA-256 of
    /// "seed \n paragraph_id \n target" (UTF-8), big-endian.</summary>
    internal static ulong Key(int seed, ReviewTargetRow row)
    {
        var text = string.Create(
            System.Globalization.CultureInfo.InvariantCulture, $"{seed}\n{row.ParagraphId}\n{row.Target}");
        return BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

using System.Globalization;

namespace Stance.Hosting;

/// <summary>The requests a dry run has already counted, in fixed memory (a Bloom filter of 16 MiB, 7 probes) so that
/// planning a feed of millions of paragraphs does not grow with it. A request key is itself a SHA-256, so its bits are
/// the hashes. A false "seen" counts one call too few: about 3 in a million at 3 million distinct requests.</summary>
internal sealed class SeenRequests
{
    private const int Probes = 7;
    private const int Bits = 1 << 27;

    private readonly ulong[] _words = new ulong[Bits / 64];

    /// <summary>Adds <paramref name="requestKey"/> (64 hex digits); false when it (probably) was there
    /// already.</summary>
    public bool Add(string requestKey)
    {
        var first = ulong.Parse(requestKey.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var second = ulong.Parse(requestKey.AsSpan(16, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture) | 1;
        var added = false;
        for (var i = 0UL; i < Probes; i++)
        {
            var bit = (first + (i * second)) & (Bits - 1);
            ref var word = ref _words[bit >> 6];
            var mask = 1UL << (int)(bit & 63);
            if ((word & mask) == 0)
            {
                word |= mask;
                added = true;
            }
        }

        return added;
    }
}

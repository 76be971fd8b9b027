using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Stance.Documents;

/// <summary>The document ids seen so far, for duplicate detection, as 64-bit fingerprints (the first 8 bytes of the
/// id's SHA-256) in one open-addressing table: about 16 bytes a document, not the ids themselves, so a feed of millions
/// of documents is checked in a few megabytes.</summary>
/// <remarks>Two different ids share a fingerprint with probability about n²/2⁶⁵ (one in 10⁸ for 500,000 documents);
/// the later one would then be reported as a duplicate id in <c>bad_documents</c>, never dropped silently.</remarks>
internal sealed class IdFingerprints
{
    private ulong[] _slots = new ulong[1024];
    private int _count;
    private bool _hasZero;

    /// <summary>Adds <paramref name="id"/>; false when it (or an id with the same fingerprint) was added
    /// before.</summary>
    public bool Add(string id)
    {
        var key = Fingerprint(id);
        if (key == 0)
        {
            var first = !_hasZero;
            _hasZero = true;
            return first;
        }

        if ((_count + 1) * 4L > _slots.Length * 3L)
        {
            var bigger = new ulong[_slots.Length * 2];
            foreach (var slot in _slots)
            {
                if (slot != 0)
                {
                    Insert(bigger, slot);
                }
            }

            _slots = bigger;
        }

        if (!Insert(_slots, key))
        {
            return false;
        }

        _count++;
        return true;
    }

    private static bool Insert(ulong[] slots, ulong key)
    {
        var mask = slots.Length - 1;
        for (var i = (int)(key & (ulong)mask); ; i = (i + 1) & mask)
        {
            if (slots[i] == 0)
            {
                slots[i] = key;
                return true;
            }

            if (slots[i] == key)
            {
                return false;
            }
        }
    }

    private static ulong Fingerprint(string id)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }
}

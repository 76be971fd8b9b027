using System.Security.Cryptography;
using System.Text;
using Stance.Documents;
using Stance.Paragraphs;

namespace Stance.Sharding;

/// <summary>Which shard scores which document: whole documents (a paragraph's previous paragraph stays in its
/// shard), balanced by paragraph count. The first shard of a run computes it and records it with the run, so every
/// shard follows the same plan even if they read the input at different times.</summary>
/// <remarks>Largest documents first, each to the shard with the fewest paragraphs so far (ties: the lower index, and
/// equal documents in id order), so the plan depends only on the documents and their counts. A key the plan does not
/// hold (a bad file's path) goes to a shard chosen by a stable hash of it.</remarks>
internal sealed class ShardPlan
{
    private ShardPlan(int shards, IReadOnlyDictionary<string, int> assignment)
    {
        Shards = shards;
        Assignment = assignment;
    }

    /// <summary>How many shards the plan is for.</summary>
    public int Shards { get; }

    /// <summary>The shard of each document id.</summary>
    public IReadOnlyDictionary<string, int> Assignment { get; }

    /// <summary>Plans <paramref name="documents"/> (document id, paragraph count) over
    /// <paramref name="shards"/>.</summary>
    public static ShardPlan Assign(IReadOnlyDictionary<string, int> documents, int shards)
    {
        var loads = new PriorityQueue<int, (long Load, int Shard)>();
        for (var shard = 0; shard < shards; shard++)
        {
            loads.Enqueue(shard, (0, shard));
        }

        var assignment = new Dictionary<string, int>(documents.Count, StringComparer.Ordinal);
        foreach (var document in documents
            .OrderByDescending(d => d.Value)
            .ThenBy(d => d.Key, StringComparer.Ordinal))
        {
            loads.TryDequeue(out var shard, out var load);
            assignment[document.Key] = shard;
            loads.Enqueue(shard, (load.Load + document.Value, shard));
        }

        return new ShardPlan(shards, assignment);
    }

    /// <summary>A plan recorded earlier.</summary>
    public static ShardPlan From(int shards, IReadOnlyDictionary<string, int> assignment) => new(shards, assignment);

    /// <summary>The shard that handles <paramref name="key"/>: a document id's planned shard, else a stable hash's
    /// (never <see cref="string.GetHashCode()"/>, which differs between processes).</summary>
    public int ShardOf(string key) => Assignment.TryGetValue(key, out var shard)
        ? shard
        : (int)(StableHash(key) % (ulong)Shards);

    /// <summary>The paragraphs each shard gets from <paramref name="documents"/>.</summary>
    public long[] Loads(IReadOnlyDictionary<string, int> documents)
    {
        var loads = new long[Shards];
        foreach (var (id, paragraphs) in documents)
        {
            loads[ShardOf(id)] += paragraphs;
        }

        return loads;
    }

    /// <summary>The paragraph count of every document under <paramref name="inputFolder"/> (0 for one with only a
    /// title), by document id.</summary>
    public static Dictionary<string, int> CountDocuments(string inputFolder, ReadOptions reading)
    {
        var documents = new Dictionary<string, int>(StringComparer.Ordinal);
        var report = new InputReport { DocumentRead = id => documents.TryAdd(id, 0) };
        foreach (var paragraph in ParagraphSource.Stream(inputFolder, report, reading with { Owns = null }))
        {
            documents[paragraph.DocumentId]++;
        }

        return documents;
    }

    /// <summary>A hash of the documents and their counts: shards that read different input disagree on it.</summary>
    public static string Fingerprint(IReadOnlyDictionary<string, int> documents)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (id, paragraphs) in documents.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{id}\t{paragraphs}\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // FNV-1a over the UTF-8 bytes.
    private static ulong StableHash(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}

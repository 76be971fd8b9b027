using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Stance.Tests.Support;

/// <summary>Writes synthetic commentaries: distinct paragraphs that name the watched targets, in several
/// files.</summary>
internal static class Corpus
{
    private static readonly string[] s_sentences =
    [
        "The U.S. has again taken harmful steps against Azerbaijan, and Congress keeps passing biased resolutions.",
        "Armenia should accept the peace treaty; its claims are an obstacle to stability in the region.",
        "Azerbaijan welcomes dialogue and constructive cooperation with every partner that respects its sovereignty.",
        "The European Union buys more gas from Baku, yet the European Parliament condemns it in the same week.",
        "Russia watches these quarrels closely and would welcome a weaker Western position.",
        "Observers in Washington said the talks were useful, although no agreement was reached.",
    ];

    /// <summary>Writes <paramref name="paragraphs"/> paragraphs, <paramref name="perDocument"/> per file, and returns
    /// their texts; numbered from <paramref name="first"/> (corpora written with distinct ranges share no
    /// text).</summary>
    public static IReadOnlyList<string> Write(string folder, int paragraphs, int perDocument = 10, int first = 0)
    {
        Directory.CreateDirectory(folder);
        var texts = new List<string>();
        for (var d = 0; d * perDocument < paragraphs; d++)
        {
            var body = new StringBuilder($"Commentary number {first + d}\n\n");
            for (var p = 0; p < perDocument && texts.Count < paragraphs; p++)
            {
                var n = first + texts.Count;
                var text = string.Create(
                    CultureInfo.InvariantCulture,
                    $"Point {n}: {s_sentences[n % s_sentences.Length]} " +
                    $"{s_sentences[(n / s_sentences.Length) % s_sentences.Length]}");
                texts.Add(text);
                body.Append(text).Append("\n\n");
            }

            File.WriteAllText(Path.Combine(folder, $"commentary-{d:D4}.txt"), body.ToString());
        }

        return texts;
    }

    /// <summary>A number in [0, 1) fixed by the text and a counter, the same in every process (unlike string hash
    /// codes).</summary>
    public static double Chance(string text, int counter)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{counter}:{text}"));
        return BitConverter.ToUInt32(hash, 0) / (double)uint.MaxValue;
    }
}

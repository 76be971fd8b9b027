using System.Collections.Frozen;
using System.Globalization;

namespace Stance.Scoring.Lexicon;

/// <summary>Word valences from the published VADER lexicon (Hutto &amp; Gilbert 2014, ICWSM; MIT licence, see
/// <c>VADER-LICENSE.txt</c> beside this file), mapped from VADER's −4…+4 to the analyzer's −3…+3, with VADER's
/// published negation words and booster/dampener words. Nothing in it is chosen for a particular text.</summary>
internal static class ValenceLexicon
{
    /// <summary>The manifest name of the embedded lexicon (<c>vader_lexicon.txt</c>, unchanged from the npm package
    /// vader-sentiment 1.1.3).</summary>
    public const string ResourceName = "Stance.Scoring.Lexicon.vader_lexicon.txt";

    /// <summary>The manifest name of the embedded licence and attribution of the lexicon.</summary>
    public const string LicenseResourceName = "Stance.Scoring.Lexicon.VADER-LICENSE.txt";

    /// <summary>The top of VADER's valence scale: its ratings run from −4 to +4.</summary>
    public const double VaderScale = 4;

    /// <summary>The top of the analyzer's valence scale: valences run from −3 to +3.</summary>
    public const double Scale = 3;

    /// <summary>VADER's booster step (<c>B_INCR</c>, 0.293 on its −4…+4 scale), mapped to the analyzer's scale:
    /// 0.21975.</summary>
    public const double BoosterStep = 0.293 * Scale / VaderScale;

    private static readonly Lazy<FrozenDictionary<string, double>> s_words =
        new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The valence (−3…+3) of a lexicon token as VADER spells it: lower-case words, a few two-word phrases
    /// ("fed up", "can't stand") and emoticons. Read once from the embedded resource, on first use.</summary>
    public static IReadOnlyDictionary<string, double> Words => s_words.Value;

    /// <summary>VADER's negation words (<c>NEGATE</c>); any word holding "n't" negates as well (see
    /// <see cref="IsNegator"/>).</summary>
    public static readonly IReadOnlySet<string> Negators = new[]
    {
        "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
        "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
        "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
        "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
        "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
        "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
        "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
        "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>VADER's booster and dampener words (<c>BOOSTER_DICT</c>), each with the step it adds to the size
    /// of the word that follows: <see cref="BoosterStep"/> for a booster, its negative for a dampener. A modifier
    /// carries no valence of its own. Three are two words ("kind of").</summary>
    public static readonly IReadOnlyDictionary<string, double> Modifiers = Steps(
        BoosterStep,
        "absolutely amazingly awfully completely considerable considerably decidedly deeply effing enormous " +
        "enormously entirely especially exceptional exceptionally extreme extremely fabulously flipping flippin " +
        "frackin fracking fricking frickin frigging friggin fully fuckin fucking fuggin fugging greatly hella " +
        "highly hugely incredible incredibly intensely major majorly more most particularly purely quite really " +
        "remarkably so substantially thoroughly total totally tremendous tremendously uber unbelievably unusually " +
        "utter utterly very",
        -BoosterStep,
        "almost barely hardly just_enough kind_of kinda kindof kind-of less little marginal marginally occasional " +
        "occasionally partly scarce scarcely slight slightly somewhat sort_of sorta sortof sort-of");

    /// <summary>Whether a lower-case token negates the words after it: one of <see cref="Negators"/>, or a word
    /// holding "n't" (as VADER counts them).</summary>
    public static bool IsNegator(string token) =>
        Negators.Contains(token) || token.Contains("n't", StringComparison.Ordinal);

    /// <summary>Maps a VADER valence (−4…+4) linearly to the analyzer's scale (−3…+3).</summary>
    public static double Map(double vaderValence) => vaderValence * Scale / VaderScale;

    /// <summary>Parses the lexicon: one entry a line, tab-separated (token, mean valence, standard deviation,
    /// ratings). A token listed twice keeps its last valence, as VADER's reference implementation reads it.</summary>
    internal static FrozenDictionary<string, double> Parse(TextReader reader)
    {
        var words = new Dictionary<string, double>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length < 2 || fields[0].Length == 0 || !double.TryParse(
                fields[1], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture,
                out var valence))
            {
                throw new InvalidDataException($"{ResourceName} line {number} is not 'token<TAB>valence<TAB>…'.");
            }

            words[fields[0]] = Map(valence);
        }

        return words.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, double> Load()
    {
        using var stream = typeof(ValenceLexicon).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return Parse(reader);
    }

    private static Dictionary<string, double> Steps(double boost, string boosters, double damp, string dampeners)
    {
        var steps = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (step, list) in new[] { (boost, boosters), (damp, dampeners) })
        {
            foreach (var word in list.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                steps[word.Replace('_', ' ')] = step;
            }
        }

        return steps;
    }
}

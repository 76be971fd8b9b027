namespace Stance.Scoring.Lexicon;

/// <summary>Word valences for news and political commentary (-3 very negative to +3 very positive), with
/// modifiers.</summary>
internal static class ValenceLexicon
{
    /// <summary>Valence of a lower-case word or two-word phrase.</summary>
    public static readonly IReadOnlyDictionary<string, double> Words = Build(
        (3, "praise commend celebrate triumph excellent outstanding"),
        (2, "reliable support supports supported supporting welcome welcomes welcomed peace peaceful cooperation " +
            "cooperate constructive constructively partnership partners partner friendly friendship progress " +
            "achievement achievements achieved success successful successfully respect respected trust trusted " +
            "benefit beneficial fair fairness legitimate stability stable dialogue agreement agree improve improved " +
            "improvement appreciate appreciated commendable positive courage courageous restored restore protect " +
            "protected defend defended justice honest honour honor grateful thanks prosperity reconciliation mutual"),
        (1, "importance important sovereignty independence integrity hope hopeful help helped recognise recognize " +
            "recognised recognized engage engagement common resolve resolved efforts developments courtesy " +
            "humanitarian attained"),
        (-1, "concerns concern pressure doubt doubts indifferent reconsider criticise criticize criticism suspension " +
            "suspend sanctions sanction dispute disputes tension tensions excuses refrained"),
        (-2, "unacceptable false harmful harm attack attacks attacked accuse accused accusation accusations hostile " +
            "hostility threat threaten threatens threatened biased bias pretenses pretences pretext smear " +
            "campaign-against blame blamed condemn condemned condemns regrettable damage damaging damaged undermine " +
            "undermined undermines fail failed failure futile violation violations violate violated violates " +
            "interfere interference illegal unlawful lie lies lying propaganda provocation provocative aggression " +
            "aggressive occupying occupation occupied destruction destroyed destroy expulsion expelled hypocrisy " +
            "hypocritical blow erased erase contradict contradicts exhausted intimidation blackmail slander corrupt " +
            "corruption oppose opposed opposes anti-azerbaijani anti-american anti-armenian worse worst crisis " +
            "deplorable"),
        (-3, "massacre massacres genocide atrocities atrocity war-crimes terror terrorism terrorist catastrophic " +
            "disgraceful shameful"),
        (-2, "double-standards final-straw smear-campaign smear-campaigns pressure-campaign pressure-campaigns"));

    /// <summary>Words that turn the valence of the next few words.</summary>
    public static readonly IReadOnlySet<string> Negators = new HashSet<string>(StringComparer.Ordinal)
    {
        "not", "no", "never", "neither", "nor", "without", "hardly", "cannot", "can't", "don't", "doesn't", "didn't",
        "won't", "isn't", "aren't", "wasn't", "weren't", "lack", "lacks", "nothing", "none",
    };

    /// <summary>Multipliers for the word that follows.</summary>
    public static readonly IReadOnlyDictionary<string, double> Modifiers =
        new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["very"] = 1.5, ["extremely"] = 1.7, ["entirely"] = 1.5, ["completely"] = 1.5, ["totally"] = 1.5,
            ["utterly"] = 1.7, ["absolutely"] = 1.6, ["deeply"] = 1.5, ["highly"] = 1.4, ["severely"] = 1.6,
            ["particularly"] = 1.3, ["especially"] = 1.3, ["strongly"] = 1.5, ["so"] = 1.3, ["most"] = 1.3,
            ["major"] = 1.4, ["great"] = 1.4, ["widespread"] = 1.4, ["consistently"] = 1.3,
            ["slightly"] = 0.6, ["somewhat"] = 0.6, ["partly"] = 0.6, ["barely"] = 0.5, ["rather"] = 0.8,
            ["a-bit"] = 0.6,
        };

    private static Dictionary<string, double> Build(params (double Valence, string Words)[] groups)
    {
        var words = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (valence, list) in groups)
        {
            foreach (var word in list.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                words[word.Replace('-', ' ')] = valence;
            }
        }

        // Hyphenated words are looked up with their hyphen too ("anti-azerbaijani").
        foreach (var (valence, list) in groups)
        {
            foreach (var word in list
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(w => w.StartsWith("anti-", StringComparison.Ordinal)))
            {
                words[word] = valence;
            }
        }

        return words;
    }
}

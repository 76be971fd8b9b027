using System.Text.RegularExpressions;
using Stance.Contract;
using Stance.Paragraphs;
using Stance.Prompts;

namespace Stance.Scoring.Lexicon;

/// <summary>The offline baseline: sentence valence from the published VADER word list (<see cref="ValenceLexicon"/>),
/// with negation and intensifiers; a target gets the valence of the sentences that mention it. Deterministic, and
/// clearly not an LLM.</summary>
internal sealed partial class LexiconAnalyzer(WatchedTargets targets)
{
    /// <summary>Analyses one paragraph into an answer that follows the prompt's contract.</summary>
    public StanceAnswer Analyze(string paragraph)
    {
        var sentences = Sentences.Split(paragraph)
            .Select(s => (Span: s, Score: ScoreSentence(paragraph.Substring(s.Start, s.Length))))
            .ToList();
        var (sentimentRaw, sentimentCues) =
            (sentences.Sum(s => s.Score.Raw), sentences.SelectMany(s => s.Score.Cues).ToList());
        var sentiment = Squash(sentimentRaw);

        var mentions = targets.FindMentions(paragraph).ToList();
        var starts = sentences.Select(s => s.Span.Start).ToArray();
        var scored = new List<(TargetStance Stance, int Mentions)>();
        foreach (var group in mentions.GroupBy(m => m.Target))
        {
            var inSentences = group
                .Select(m => SentenceOf(starts, m.Index))
                .Distinct()
                .Order()
                .Select(i => sentences[i])
                .ToList();
            var raw = inSentences.Sum(s => s.Score.Raw);
            var cues = inSentences.Sum(s => s.Score.Cues.Count);
            var score = Round(Squash(raw));
            var first = inSentences.Count > 0
                ? inSentences[0].Span
                : (Start: group.First().Index, Length: group.First().Mention.Length);
            var evidence = paragraph.Substring(first.Start, Math.Min(first.Length, 300)).Trim();
            scored.Add((
                new TargetStance(
                    group.Key,
                    group.First().Mention,
                    true,
                    StanceContract.StanceLabelFor(score),
                    score,
                    Confidence(cues),
                    evidence),
                group.Count()));
        }

        var main = scored.OrderByDescending(s => s.Mentions).Select(s => s.Stance).FirstOrDefault();
        var rationale = sentimentCues.Count == 0
            ? "lexicon baseline: no valence cues found"
            : $"lexicon baseline: cues {string.Join(", ", sentimentCues.Take(12))}";
        var sentimentScore = Round(sentiment);
        return new StanceAnswer(
            StanceContract.SentimentLabelFor(sentimentScore),
            sentimentScore,
            main?.Target,
            main?.StanceLabel ?? "neutral",
            main?.StanceScore ?? 0,
            main?.Confidence ?? Confidence(0),
            rationale.Length > 400 ? rationale[..400] : rationale,
            scored.Select(s => s.Stance).ToList());
    }

    private static SentenceScore ScoreSentence(string sentence)
    {
        var tokens = Word().Matches(sentence).Select(m => m.Value.ToLowerInvariant().Replace('’', '\'')).ToList();
        double raw = 0;
        var cues = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var phrase = i + 1 < tokens.Count ? $"{tokens[i]} {tokens[i + 1]}" : null;

            // A modifier carries no valence of its own: "kind of" is not "kind".
            if (ValenceLexicon.Modifiers.ContainsKey(tokens[i]))
            {
                continue;
            }

            if (phrase is not null && ValenceLexicon.Modifiers.ContainsKey(phrase))
            {
                i++;
                continue;
            }

            double valence;
            string cue;
            if (phrase is not null && ValenceLexicon.Words.TryGetValue(phrase, out valence))
            {
                cue = phrase;
            }
            else if (ValenceLexicon.Words.TryGetValue(tokens[i], out valence))
            {
                cue = tokens[i];
                phrase = null;
            }
            else
            {
                continue;
            }

            // A booster moves the word away from zero, a dampener towards it (never past it).
            var step = ModifierBefore(tokens, i);
            valence = Math.Sign(valence) * Math.Max(0, Math.Abs(valence) + step);

            var negated = tokens.Skip(Math.Max(0, i - 4)).Take(Math.Min(4, i)).Any(ValenceLexicon.IsNegator);
            if (negated)
            {
                valence *= -0.6;
            }

            if (phrase is not null)
            {
                i++;
            }

            if (valence == 0)
            {
                continue;
            }

            raw += valence;
            cues.Add((valence > 0 ? "+" : "-") + (negated ? "not " : string.Empty) + cue);
        }

        return new SentenceScore(raw, cues);
    }

    /// <summary>The step of the modifier (one or two words) right before token <paramref name="index"/>, or 0.
    /// </summary>
    private static double ModifierBefore(List<string> tokens, int index)
    {
        if (index >= 2 && ValenceLexicon.Modifiers.TryGetValue($"{tokens[index - 2]} {tokens[index - 1]}", out var two))
        {
            return two;
        }

        return index >= 1 && ValenceLexicon.Modifiers.TryGetValue(tokens[index - 1], out var one) ? one : 0;
    }

    /// <summary>The index of the sentence that holds character <paramref name="index"/>.</summary>
    private static int SentenceOf(int[] starts, int index)
    {
        var found = Array.BinarySearch(starts, index);
        return found >= 0 ? found : Math.Max(0, ~found - 1);
    }

    /// <summary>Maps an unbounded valence sum into (-1, 1).</summary>
    private static double Squash(double raw) => raw / Math.Sqrt((raw * raw) + 4);

    /// <summary>The baseline never claims much: 0.2 with no cues, rising to 0.6.</summary>
    private static double Confidence(int cues) => Round(Math.Min(0.6, 0.2 + (0.1 * cues)));

    private static double Round(double value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);

    private sealed record SentenceScore(double Raw, List<string> Cues);

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*")]
    private static partial Regex Word();
}

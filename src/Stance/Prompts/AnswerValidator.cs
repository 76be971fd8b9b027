using System.Text.Json;
using Stance.Contract;
using Stance.Paragraphs;
using Stance.Prompts;

namespace Stance.Prompts;

/// <summary>Turns a model's raw answer into a <see cref="StanceAnswer"/>, or says why it cannot be accepted.</summary>
/// <remarks>
/// Safe repairs: prose or code fences around the JSON object are cut away, target names are mapped to canonical names,
/// a later duplicate of a target is dropped, and an evidence quote that matches the paragraph only up to case, white
/// space or quote style is replaced by the paragraph's own span. Everything else is a rejection with a reason that is
/// sent back to the model on the next ask.
/// </remarks>
internal sealed class AnswerValidator(StancePrompt prompt, bool requireMentionedTargets = true)
{
    private readonly JsonSchemaChecker _schema = JsonSchemaChecker.Compile(prompt.AnswerSchema);

    /// <summary>Validates <paramref name="content"/> for <paramref name="paragraph"/>.</summary>
    public AnswerCheck Validate(string? content, Paragraph paragraph)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return AnswerCheck.Reject("the answer is empty");
        }

        var json = ExtractObject(content);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return AnswerCheck.Reject($"the answer is not valid JSON ({ex.Message})");
        }

        using (document)
        {
            var errors = _schema.Check(document.RootElement);
            return errors.Count > 0
                ? AnswerCheck.Reject($"the answer does not follow the schema: {string.Join("; ", errors.Take(4))}")
                : Check(Read(document.RootElement), paragraph);
        }
    }

    /// <summary>The rules beyond the schema, for an answer already in object form (the lexicon's, or a parsed one):
    /// labels agree with scores, evidence is verbatim (repaired when only case, spacing or quotes differ), targets map
    /// to canonical names, the main target is scored, and every watched target the paragraph names is scored.</summary>
    public AnswerCheck Check(StanceAnswer answer, Paragraph paragraph)
    {
        var problems = new List<string>();
        CheckAgreement("sentiment", answer.SentimentLabel, answer.SentimentScore, problems);
        CheckAgreement("stance", answer.StanceLabel, answer.StanceScore, problems);

        var targets = new List<TargetStance>(answer.Targets.Count);
        foreach (var item in answer.Targets)
        {
            var (name, watched) = prompt.Targets.Canonicalize(item.Target);
            CheckAgreement($"stance toward {name}", item.StanceLabel, item.StanceScore, problems);
            var evidence = FindVerbatim(paragraph.Text, item.Evidence);
            if (evidence is null)
            {
                problems.Add($"the evidence for {name} is not a quote from the paragraph");
                continue;
            }

            if (!targets.Exists(t => t.Target == name))
            {
                targets.Add(item with
                {
                    Target = name,
                    Mention = item.Mention.Trim(),
                    Watched = watched,
                    Evidence = evidence,
                });
            }
        }

        string? mainTarget = null;
        if (answer.MainTarget is { Length: > 0 } main)
        {
            mainTarget = prompt.Targets.Canonicalize(main).Name;
            if (!targets.Exists(t => t.Target == mainTarget))
            {
                problems.Add($"main_target {mainTarget} is not among the scored targets");
            }
        }

        if (requireMentionedTargets)
        {
            foreach (var missing in prompt.Targets.FindMentions(paragraph.Text)
                .DistinctBy(m => m.Target)
                .Where(m => !targets.Exists(t => t.Target == m.Target)))
            {
                problems.Add(
                    $"the watched target {missing.Target} is mentioned (\"{missing.Mention}\") but not scored");
            }
        }

        return problems.Count > 0
            ? AnswerCheck.Reject(string.Join("; ", problems.Take(4)))
            : AnswerCheck.Accept(answer with { MainTarget = mainTarget, Targets = targets });
    }

    private static StanceAnswer Read(JsonElement root) => new(
        root.GetProperty("sentiment_label").GetString()!,
        root.GetProperty("sentiment_score").GetDouble(),
        root.GetProperty("main_target").GetString(),
        root.GetProperty("stance_label").GetString()!,
        root.GetProperty("stance_score").GetDouble(),
        root.GetProperty("confidence").GetDouble(),
        root.GetProperty("rationale").GetString()!,
        [.. root.GetProperty("targets").EnumerateArray().Select(item => new TargetStance(
            item.GetProperty("target").GetString()!,
            item.GetProperty("mention").GetString()!,
            false,
            item.GetProperty("stance_label").GetString()!,
            item.GetProperty("stance_score").GetDouble(),
            item.GetProperty("confidence").GetDouble(),
            item.GetProperty("evidence").GetString()!))]);

    private static void CheckAgreement(string what, string label, double score, List<string> problems)
    {
        if (!StanceContract.Agrees(label, score))
        {
            problems.Add(
                $"the {what} label '{label}' disagrees with its score {score} " +
                $"(favor/positive > 0, against/negative < 0, neutral within ±{StanceContract.NeutralBand})");
        }
    }

    /// <summary>Cuts code fences and prose around the outermost JSON object.</summary>
    internal static string ExtractObject(string content)
    {
        var start = content.IndexOf('{', StringComparison.Ordinal);
        var end = content.LastIndexOf('}');
        return start >= 0 && end > start ? content[start..(end + 1)] : content.Trim();
    }

    /// <summary>Finds <paramref name="quote"/> in <paramref name="text"/>: exactly, else after folding both (Unicode
    /// NFC, case, white space incl. non-breaking, quote and dash style; soft hyphens and zero-width characters
    /// ignored; see <see cref="TextFold"/>).</summary>
    /// <returns>The paragraph's own span (its own characters, marks and invisible ones inside it kept), or null when
    /// the quote is not in it.</returns>
    internal static string? FindVerbatim(string text, string quote)
    {
        quote = quote.Trim().Trim('"', '\'', '“', '”', '‘', '’', '«', '»', '„', '‚', '‹', '›').Trim();
        if (quote.Length == 0)
        {
            return null;
        }

        if (text.Contains(quote, StringComparison.Ordinal))
        {
            return quote;
        }

        var foldedQuote = TextFold.Fold(quote, ignoreCase: true).Text;
        if (foldedQuote.Length == 0)
        {
            return null;
        }

        var foldedText = TextFold.Fold(text, ignoreCase: true);
        var at = foldedText.Text.IndexOf(foldedQuote, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var (from, to) = foldedText.Original(at, foldedQuote.Length);
        while (to < text.Length && TextFold.IsMark(text[to]))
        {
            to++; // a mark that did not compose still belongs to the quote's last letter
        }

        return text[from..to];
    }
}

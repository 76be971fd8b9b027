using System.Text.Json;
using System.Text.RegularExpressions;
using Stance.Paragraphs;

namespace Stance.Prompts;

/// <summary>The targets named in <c>targets.json</c>: canonical names and the aliases that map mentions to
/// them.</summary>
internal sealed class WatchedTargets
{
    private readonly Dictionary<string, string> _canonicalByAlias;
    private readonly Regex? _mentions;

    private WatchedTargets(IReadOnlyList<WatchedTarget> targets)
    {
        Targets = targets;
        _canonicalByAlias = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            foreach (var alias in target.Aliases.Append(target.Name).Select(Key))
            {
                if (_canonicalByAlias.TryGetValue(alias, out var owner) && owner != target.Name)
                {
                    throw new FormatException($"alias '{alias}' belongs to both '{owner}' and '{target.Name}'");
                }

                _canonicalByAlias[alias] = target.Name;
            }
        }

        if (_canonicalByAlias.Count > 0)
        {
            // Longest alias first so "U.S.A." wins over "U.S."; whole words only (a letter, digit or combining mark on
            // either side makes a longer word, in any script), case-sensitive (names are proper nouns). Aliases and
            // text are compared folded (NFC, spaces, dashes, invisible characters; see TextFold).
            var alternatives = string.Join(
                '|', _canonicalByAlias.Keys.OrderByDescending(a => a.Length).Select(Regex.Escape));
            _mentions = new Regex(
                $@"(?<![\p{{L}}\p{{N}}\p{{M}}])(?:{alternatives})(?![\p{{L}}\p{{N}}\p{{M}}])",
                RegexOptions.CultureInvariant);
        }
    }

    /// <summary>The watched targets in file order.</summary>
    public IReadOnlyList<WatchedTarget> Targets { get; }

    /// <summary>Parses the JSON of <c>targets.json</c>; throws <see cref="FormatException"/> naming what is
    /// wrong.</summary>
    public static WatchedTargets Parse(string json)
    {
        WatchedTargetsFile? file;
        try
        {
            file = JsonSerializer.Deserialize<WatchedTargetsFile>(json, s_json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not valid JSON: {ex.Message}", ex);
        }

        if (file?.Targets is null)
        {
            throw new FormatException("expected an object with a \"targets\" array");
        }

        var targets = new List<WatchedTarget>();
        foreach (var entry in file.Targets)
        {
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                throw new FormatException($"target #{targets.Count + 1} has no \"name\"");
            }

            var aliases = (entry.Aliases ?? [])
                .Where(a => !string.IsNullOrWhiteSpace(a))
                .Select(a => a.Trim())
                .Distinct(StringComparer.Ordinal)
                .ToList();
            targets.Add(new WatchedTarget(entry.Name.Trim(), aliases));
        }

        return new WatchedTargets(targets);
    }

    /// <summary>These targets plus <paramref name="name"/> (matched by its own name only), unless it is already
    /// watched.</summary>
    public WatchedTargets With(string name) =>
        Canonicalize(name).Watched ? this : new WatchedTargets([.. Targets, new WatchedTarget(name.Trim(), [])]);

    /// <summary>Maps a name the model or a reader used to its canonical name; <c>watched</c> is false for other
    /// targets.</summary>
    public (string Name, bool Watched) Canonicalize(string name)
    {
        var key = Key(name);
        if (_canonicalByAlias.TryGetValue(key, out var canonical))
        {
            return (canonical, true);
        }

        var match = _canonicalByAlias.FirstOrDefault(pair =>
            pair.Key.Equals(key, StringComparison.OrdinalIgnoreCase) && pair.Key.Length > 3);
        return match.Value is not null
            ? (match.Value, true)
            : (name.Trim(), false); // an unwatched name is kept as given
    }

    /// <summary>Every literal mention of a watched target in <paramref name="text"/>, in order.</summary>
    public IEnumerable<TargetMention> FindMentions(string text)
    {
        if (_mentions is null)
        {
            yield break;
        }

        if (TextFold.IsFoldedAlready(text))
        {
            foreach (Match match in _mentions.Matches(text))
            {
                yield return new TargetMention(_canonicalByAlias[match.Value], match.Value, match.Index);
            }

            yield break;
        }

        var folded = TextFold.Fold(text, ignoreCase: false);
        foreach (Match match in _mentions.Matches(folded.Text))
        {
            var (start, end) = folded.Original(match.Index, match.Length);
            yield return new TargetMention(_canonicalByAlias[match.Value], text[start..end], start);
        }
    }

    /// <summary>An alias or name as it is compared: folded, case kept.</summary>
    private static string Key(string name) => TextFold.FoldCaseKept(name.Trim());

    /// <summary>The list given to the prompt: one target a line, <c>name: alias, alias</c>.</summary>
    public string ToPromptText() =>
        Targets.Count == 0
            ? "(none)"
            : string.Join('\n', Targets.Select(t => $"- {t.Name}: {string.Join(", ", t.Aliases)}"));

    private static readonly JsonSerializerOptions s_json =
        new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip };

    private sealed record WatchedTargetsFile(List<WatchedTargetEntry>? Targets);

    private sealed record WatchedTargetEntry(string? Name, List<string>? Aliases);
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Stance.Tests.Deploy;

/// <summary>The table of docs/kubernetes.md that maps exit codes to podFailurePolicy actions, read back so that the
/// tests can hold it to the manifest and to <c>ExitCodes</c>. Its rows look like
/// <c>| `FailJob` | 2, 4, 7, 9 | why |</c>: the action in back-quotes first, then the codes.</summary>
internal static partial class ExitCodeTable
{
    /// <summary>The header row that starts the table.</summary>
    public const string Header = "| action | exit codes | why |";

    /// <summary>Each action's row: the exit codes it lists and the text of that cell.</summary>
    public static Dictionary<string, (HashSet<int> Codes, string Cell)> Read(string markdownPath)
    {
        var lines = File.ReadAllLines(markdownPath);
        var start = Array.FindIndex(lines, l => l.Trim().StartsWith(Header, StringComparison.Ordinal));
        if (start < 0)
        {
            throw new InvalidDataException($"{markdownPath} has no table starting with '{Header}'");
        }

        var rows = new Dictionary<string, (HashSet<int>, string)>(StringComparer.Ordinal);
        // Past the header and its |---| line, to the first line that is not a row.
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.TrimStart().StartsWith('|')))
        {
            var cells = line.Split('|');
            var action = ActionPattern().Match(cells[1]).Groups[1].Value;
            var codes = CodePattern().Matches(cells[2]).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture));
            rows.Add(action, ([.. codes], cells[2]));
        }

        return rows;
    }

    [GeneratedRegex("`(\\w+)`")]
    private static partial Regex ActionPattern();

    [GeneratedRegex(@"\b\d+\b")]
    private static partial Regex CodePattern();
}

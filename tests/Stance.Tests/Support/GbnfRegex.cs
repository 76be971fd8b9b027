using System.Text;
using System.Text.RegularExpressions;

namespace Stance.Tests.Support;

/// <summary>Turns a non-recursive GBNF grammar into one anchored .NET regex by inlining every rule, so tests can ask
/// whether the grammar accepts a string. Covers the subset the schema converter writes: literals, classes, groups,
/// alternation, <c>?</c>, <c>*</c>, <c>+</c> and <c>{m,n}</c>.</summary>
internal static class GbnfRegex
{
    public static Regex Compile(string grammar)
    {
        var rules = grammar.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(" ::= ", 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);
        return new Regex(
            "^" + Expand(rules["root"], rules, 0) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10));
    }

    private static string Expand(string body, Dictionary<string, string> rules, int depth)
    {
        if (depth > 50)
        {
            throw new InvalidOperationException("the grammar is recursive");
        }

        var regex = new StringBuilder();
        for (var i = 0; i < body.Length;)
        {
            var c = body[i];
            if (c == '"')
            {
                var text = new StringBuilder();
                for (i++; body[i] != '"'; i++)
                {
                    if (body[i] == '\\')
                    {
                        i++;
                        text.Append(body[i] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var other => other });
                    }
                    else
                    {
                        text.Append(body[i]);
                    }
                }

                regex.Append("(?:").Append(Regex.Escape(text.ToString())).Append(')');
                i++;
            }
            else if (c == '[')
            {
                var end = i + 1;
                while (body[end] != ']' || body[end - 1] == '\\' && body[end - 2] != '\\')
                {
                    end++;
                }

                regex.Append(body, i, end - i + 1);
                i = end + 1;
            }
            else if (char.IsAsciiLetter(c))
            {
                var end = i;
                while (end < body.Length && (char.IsAsciiLetterOrDigit(body[end]) || body[end] == '-'))
                {
                    end++;
                }

                regex.Append("(?:").Append(Expand(rules[body[i..end]], rules, depth + 1)).Append(')');
                i = end;
            }
            else if (c == '(')
            {
                regex.Append("(?:");
                i++;
            }
            else if (c == ' ')
            {
                i++;
            }
            else
            {
                regex.Append(c);
                i++;
            }
        }

        return regex.ToString();
    }
}

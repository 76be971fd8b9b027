using System.IO.Enumeration;

namespace Stance.Tests.Deploy;

/// <summary>The patterns of a .dockerignore file, matched as Docker does for the forms the repository's file uses:
/// paths relative to the context, <c>*</c> and <c>?</c> within one path segment, <c>**</c> for any number of
/// segments, a pattern that matches a folder excluding everything in it. Exceptions (<c>!</c>) are refused rather
/// than half understood.</summary>
internal sealed class DockerIgnore
{
    private readonly List<string[]> _patterns;

    private DockerIgnore(List<string[]> patterns) => _patterns = patterns;

    /// <summary>Reads a .dockerignore file; none means nothing is excluded.</summary>
    public static DockerIgnore Load(string path)
    {
        var patterns = new List<string[]>();
        foreach (var raw in File.Exists(path) ? File.ReadAllLines(path) : [])
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('!'))
            {
                throw new NotSupportedException($"{path}: exceptions ('{line}') are not understood by the tests");
            }

            patterns.Add(Segments(line));
        }

        return new DockerIgnore(patterns);
    }

    /// <summary>True when the file or folder at <paramref name="relativePath"/> (relative to the context, with
    /// <c>/</c>) is left out of the context.</summary>
    public bool Excludes(string relativePath)
    {
        var path = Segments(relativePath);
        // A folder's exclusion covers what is inside it: try the path and each of its parents.
        return Enumerable.Range(1, path.Length).Any(n => _patterns.Any(p => Matches(p, path.AsSpan(0, n))));
    }

    private static string[] Segments(string path) =>
        path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();

    private static bool Matches(ReadOnlySpan<string> pattern, ReadOnlySpan<string> path)
    {
        if (pattern.IsEmpty)
        {
            return path.IsEmpty;
        }

        if (pattern[0] == "**")
        {
            for (var skip = 0; skip <= path.Length; skip++)
            {
                if (Matches(pattern[1..], path[skip..]))
                {
                    return true;
                }
            }

            return false;
        }

        return !path.IsEmpty
            && FileSystemName.MatchesSimpleExpression(pattern[0], path[0], ignoreCase: false)
            && Matches(pattern[1..], path[1..]);
    }
}

namespace Stance.Documents;

/// <summary>Lists the files below the input folder in path order, skipping what is not input.</summary>
/// <remarks>
/// Hidden files and folders (<c>.stance</c> included), <c>gold</c> folders, the job's output folder and its journal are
/// never listed. Real paths are tracked: every real folder and file is read once. A symbolic link to a folder is
/// followed once, after every ordinary entry, so a folder reached both directly and through a link is read under its
/// own path; a link to a folder already read (a loop such as <c>a/up -&gt; ..</c>, or a second way in) and a broken
/// link are reported with the reason and skipped.
/// </remarks>
internal static class InputWalk
{
    private const int MaxLinkHops = 40;

    private static readonly StringComparison s_comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparison.OrdinalIgnoreCase
        : StringComparison.Ordinal;

    private static readonly StringComparer s_paths = StringComparer.FromComparison(s_comparison);

    /// <summary>The files to read and the entries skipped with a reason, ordered by relative path.</summary>
    public static IReadOnlyList<WalkEntry> List(string inputFolder, ReadOptions options)
    {
        var walk = new Walk(options);
        var root = RealPath(inputFolder) ?? Path.GetFullPath(inputFolder);
        walk.Folders[root] = string.Empty;
        walk.Visit(root, string.Empty);
        while (walk.Links.Count > 0)
        {
            var links = walk.Links.OrderBy(l => l.Relative, StringComparer.Ordinal).ToList();
            walk.Links.Clear();
            links.ForEach(walk.Follow);
        }

        return [.. walk.Entries.OrderBy(e => e.Relative, StringComparer.Ordinal)];
    }

    /// <summary>The canonical absolute path with every symbolic link resolved; null for a link loop.</summary>
    internal static string? RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var rest = new Stack<string>(Parts(full).Reverse());
        var hops = 0;
        while (rest.TryPop(out var part))
        {
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                return null;
            }

            var resolved = Path.GetFullPath(target, current);
            foreach (var item in Parts(resolved).Reverse())
            {
                rest.Push(item);
            }

            current = Path.GetPathRoot(resolved)!;
        }

        return current;
    }

    private static string[] Parts(string full) =>
        full[Path.GetPathRoot(full)!.Length..].Split(
            [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    private static string Join(string relative, string name) => relative.Length == 0 ? name : $"{relative}/{name}";

    private sealed class Walk
    {
        private readonly HashSet<string> _excluded = new(s_paths);

        public Walk(ReadOptions options)
        {
            foreach (var path in new[] { options.Output, options.Journal }.OfType<string>().Where(p => p.Length > 0))
            {
                _excluded.Add(Path.GetFullPath(path));
                if (RealPath(path) is { } real)
                {
                    _excluded.Add(real);
                }
            }
        }

        /// <summary>Real folder path → the relative path it is read as.</summary>
        public Dictionary<string, string> Folders { get; } = new(s_paths);

        /// <summary>Real file path → the relative path it is read as.</summary>
        public Dictionary<string, string> Files { get; } = new(s_paths);

        public List<WalkEntry> Entries { get; } = [];

        public List<(string Full, string Relative, string Parent)> Links { get; } = [];

        /// <summary>Lists a real folder; links are queued for <see cref="Follow"/>.</summary>
        public void Visit(string folder, string relative)
        {
            List<FileSystemInfo> children;
            try
            {
                children = [.. new DirectoryInfo(folder).EnumerateFileSystemInfos()];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Entries.Add(new WalkEntry(
                    Shown(relative), folder, $"the folder cannot be read ({ex.Message}); skipped"));
                return;
            }

            foreach (var child in children.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                var full = Path.Combine(folder, child.Name);
                var childRelative = Join(relative, child.Name);
                if (child.Name.StartsWith('.') || _excluded.Contains(full)
                    || (child is DirectoryInfo && child.Name == DocumentReader.GoldFolder))
                {
                    continue;
                }

                if (child.LinkTarget is not null)
                {
                    Links.Add((full, childRelative, folder));
                }
                else if (child is DirectoryInfo)
                {
                    Folders[full] = childRelative;
                    Visit(full, childRelative);
                }
                else
                {
                    Files[full] = childRelative;
                    Entries.Add(new WalkEntry(childRelative, full, null));
                }
            }
        }

        /// <summary>Follows a symbolic link once: to a folder or file not read yet, else reports it.</summary>
        public void Follow((string Full, string Relative, string Parent) link)
        {
            var real = RealPath(link.Full);
            if (real is null || !Path.Exists(real))
            {
                Entries.Add(new WalkEntry(link.Relative, link.Full,
                    real is null ? "a loop of symbolic links; skipped" : "a broken symbolic link; skipped"));
                return;
            }

            if (_excluded.Contains(real))
            {
                return;
            }

            if (Directory.Exists(real))
            {
                if (Folders.TryGetValue(real, out var first))
                {
                    var inside = real.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
                    var loop = s_paths.Equals(link.Parent, real) || link.Parent.StartsWith(inside, s_comparison);
                    Entries.Add(new WalkEntry(link.Relative, link.Full, loop
                        ? $"a symbolic link loop: it points to '{Shown(first)}', a folder that contains it; " +
                            "not followed"
                        : $"a symbolic link to the folder '{Shown(first)}', which is read already; not followed"));
                    return;
                }

                Folders[real] = link.Relative;
                Visit(real, link.Relative);
                return;
            }

            if (Files.TryGetValue(real, out var file))
            {
                Entries.Add(new WalkEntry(
                    link.Relative, link.Full, $"a symbolic link to '{file}', which is read already; skipped"));
                return;
            }

            Files[real] = link.Relative;
            Entries.Add(new WalkEntry(link.Relative, real, null));
        }

        private static string Shown(string relative) => relative.Length == 0 ? "." : relative;
    }
}

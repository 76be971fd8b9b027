using System.Text;
using Stance.Tests.Support;

namespace Stance.Tests.Architecture;

/// <summary>No line of C# source is longer than 120 characters (<c>max_line_length</c> in .editorconfig): every
/// <c>*.cs</c> file under src/, tests/ and bench/, without build output (obj/, bin/) and generated files
/// (<c>*.g.cs</c>).</summary>
public sealed class LineLengthTests
{
    private const int MaxLength = 120;

    private static readonly string[] s_folders = ["src", "tests", "bench"];

    [Fact]
    public void NoSourceLineIsLongerThan120Characters()
    {
        var tooLong = new List<string>();
        foreach (var file in SourceFiles())
        {
            // Read as UTF-8; a line is counted in .NET characters, without its line ending.
            var lines = File.ReadAllLines(file, Encoding.UTF8);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length > MaxLength)
                {
                    tooLong.Add($"{Relative(file)}:{i + 1} ({lines[i].Length} chars)");
                }
            }
        }

        Assert.True(
            tooLong.Count == 0,
            $"{tooLong.Count} lines are longer than {MaxLength} characters:\n" + string.Join('\n', tooLong));
    }

    /// <summary>The C# files of the source folders, in path order.</summary>
    private static IEnumerable<string> SourceFiles() =>
        s_folders
            .Select(folder => Path.Combine(RepoPaths.Root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase) && !IsBuildOutput(path))
            .Order(StringComparer.Ordinal);

    private static bool IsBuildOutput(string path) =>
        Relative(path).Split('/').Any(part => part is "obj" or "bin");

    private static string Relative(string path) => Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/');
}

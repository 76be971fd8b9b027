namespace Stance.Tests.Deploy;

/// <summary>The repository's Dockerfile read into stages of instructions: comments and blank lines dropped, lines
/// continued with a backslash joined. Only the plain forms the Dockerfile uses are understood; there is no Docker on
/// the machines that run the tests, so this is how they look at the image.</summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerStage> stages) => Stages = stages;

    /// <summary>The stages in file order; the last is the image.</summary>
    public IReadOnlyList<DockerStage> Stages { get; }

    /// <summary>The image's stage.</summary>
    public DockerStage Final => Stages[^1];

    /// <summary>Reads a Dockerfile.</summary>
    public static Dockerfile Load(string path)
    {
        var stages = new List<DockerStage>();
        foreach (var (keyword, arguments) in Instructions(File.ReadAllLines(path)))
        {
            if (keyword == "FROM")
            {
                stages.Add(DockerStage.From(arguments));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(new DockerInstruction(keyword, arguments));
            }
            else if (keyword != "ARG")
            {
                throw new InvalidDataException($"{path}: {keyword} before the first FROM");
            }
        }

        return new Dockerfile(stages);
    }

    private static IEnumerable<(string Keyword, string Arguments)> Instructions(IEnumerable<string> lines)
    {
        var pending = string.Empty;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var whole = (pending + line).Trim();
            pending = string.Empty;
            if (whole.Length > 0)
            {
                var space = whole.IndexOf(' ', StringComparison.Ordinal);
                yield return (whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim());
            }
        }
    }
}

/// <summary>One stage: its base image, its name (<c>AS name</c>) and its instructions after FROM.</summary>
internal sealed record DockerStage(string Image, string? Name, string? Platform)
{
    /// <summary>The instructions after FROM, in order.</summary>
    public List<DockerInstruction> Instructions { get; } = [];

    /// <summary>The arguments of every instruction with this keyword.</summary>
    public IEnumerable<string> All(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    /// <summary>A stage from FROM's arguments: <c>[--platform=P] IMAGE [AS NAME]</c>.</summary>
    public static DockerStage From(string arguments)
    {
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var platform = words.FirstOrDefault(w => w.StartsWith("--platform=", StringComparison.Ordinal));
        if (platform is not null)
        {
            words.Remove(platform);
        }

        var name = words.Count == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
        return new DockerStage(words[0], name, platform?["--platform=".Length..]);
    }
}

/// <summary>One instruction: its keyword in upper case and the rest of its line.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments)
{
    /// <summary>The arguments split on spaces (the Dockerfile quotes nothing but ENTRYPOINT's JSON).</summary>
    public IReadOnlyList<string> Words => Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Stance.Tests.Deploy;

/// <summary>Replays the Dockerfile without Docker: each stage gets a folder as its file system root, COPY copies from
/// the build context (less what .dockerignore leaves out) or from an earlier stage, WORKDIR, ARG and ENV are kept,
/// RUN runs its command on this machine with the stage's absolute paths mapped into the stage's folder. What it
/// cannot check: the base images themselves (their .NET, their user), which only a real build would.</summary>
internal sealed partial class ImageBuild
{
    private readonly string _root;
    private readonly string _context;
    private readonly DockerIgnore _ignore;
    private readonly StringBuilder _log = new();
    private readonly Dictionary<string, string> _stageRoots = new(StringComparer.Ordinal);

    private ImageBuild(string context, string root)
    {
        _context = context;
        _root = root;
        _ignore = DockerIgnore.Load(Path.Combine(context, ".dockerignore"));
    }

    /// <summary>The image's working directory (its last WORKDIR), mapped into the image's folder.</summary>
    public string WorkingDirectory { get; private set; } = string.Empty;

    /// <summary>The image's ENV, with absolute paths mapped into the image's folder.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The image's ENTRYPOINT.</summary>
    public IReadOnlyList<string> EntryPoint { get; private set; } = [];

    /// <summary>What the RUN steps printed, and how long each took.</summary>
    public string Log => _log.ToString();

    /// <summary>Builds the Dockerfile of <paramref name="context"/> into folders under <paramref name="root"/>,
    /// with <c>TARGETARCH</c> this machine's architecture as Docker names it.</summary>
    public static async Task<ImageBuild> RunAsync(string context, string root, TimeSpan timeoutPerStep)
    {
        var build = new ImageBuild(context, root);
        var dockerfile = Dockerfile.Load(Path.Combine(context, "Dockerfile"));
        for (var i = 0; i < dockerfile.Stages.Count; i++)
        {
            await build.RunStageAsync(dockerfile.Stages[i], i, timeoutPerStep);
        }

        return build;
    }

    private async Task RunStageAsync(DockerStage stage, int index, TimeSpan timeout)
    {
        var stageRoot = Path.Combine(_root, $"stage{index}");
        _stageRoots[stage.Name ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture)] = stageRoot;
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        var workdir = Directory.CreateDirectory(stageRoot).FullName;
        // ENV and ENTRYPOINT are a stage's own: the image has the last stage's.
        Environment.Clear();
        EntryPoint = [];
        foreach (var step in stage.Instructions)
        {
            switch (step.Keyword)
            {
                case "ARG":
                    var argument = step.Arguments.Split('=', 2);
                    arguments[argument[0]] = argument[0] == "TARGETARCH"
                        ? TargetArch()
                        : argument.ElementAtOrDefault(1)
                            ?? throw new NotSupportedException($"ARG {argument[0]} needs a default for the replay");
                    break;
                case "WORKDIR":
                    workdir = Directory.CreateDirectory(Map(stageRoot, workdir, step.Arguments)).FullName;
                    break;
                case "COPY":
                    Copy(step.Words, stageRoot, workdir);
                    break;
                case "RUN":
                    var words = step.Words.Select(w => Expand(w, arguments));
                    await RunAsync(words.Select(w => w.StartsWith('/') ? Map(stageRoot, workdir, w) : w), workdir,
                        timeout);
                    break;
                case "ENV":
                    // An absolute path is a folder of the image (TMPDIR): made, as the pod mounts one there.
                    foreach (var pair in step.Words.Select(w => w.Split('=', 2)))
                    {
                        Environment[pair[0]] = pair[1].StartsWith('/')
                            ? Directory.CreateDirectory(Map(stageRoot, workdir, pair[1])).FullName
                            : pair[1];
                    }

                    break;
                case "ENTRYPOINT":
                    EntryPoint = JsonSerializer.Deserialize<string[]>(step.Arguments)!;
                    break;
                case "USER":
                    break; // the tests run as whoever runs them; DockerfileTests checks the user
                default:
                    throw new NotSupportedException($"the Dockerfile replay does not know {step.Keyword}");
            }
        }

        WorkingDirectory = workdir;
    }

    private void Copy(IReadOnlyList<string> words, string stageRoot, string workdir)
    {
        var from = words[0].StartsWith("--from=", StringComparison.Ordinal) ? words[0]["--from=".Length..] : null;
        var sources = words.Skip(from is null ? 0 : 1).SkipLast(1).ToList();
        var destination = Map(stageRoot, workdir, words[^1]);
        var intoFolder = words[^1].EndsWith('/') || words[^1] == "." || sources.Count > 1;
        foreach (var source in sources)
        {
            var full = from is null
                ? Path.Combine(_context, source)
                : Map(_stageRoots[from], _stageRoots[from], source);
            if (from is null && _ignore.Excludes(source))
            {
                throw new InvalidOperationException($"COPY {source}: .dockerignore leaves it out of the context");
            }

            if (Directory.Exists(full))
            {
                CopyFolder(full, destination, from is null ? source : null);
            }
            else
            {
                var target = intoFolder ? Path.Combine(destination, Path.GetFileName(full)) : destination;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(full, target, overwrite: true);
            }
        }
    }

    // A folder's content goes into the destination, as Docker copies it; from the context, less what is ignored.
    private void CopyFolder(string folder, string destination, string? contextPath)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file);
            if (contextPath is not null && _ignore.Excludes(Path.Combine(contextPath, relative)))
            {
                continue;
            }

            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private async Task RunAsync(IEnumerable<string> words, string workdir, TimeSpan timeout)
    {
        var command = words.ToList();
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await ChildProcess.RunAsync(command[0], command.Skip(1), workdir, timeout);
        _log.Append($"RUN {string.Join(' ', command)} ({clock.Elapsed.TotalSeconds:F1} s, exit code {exitCode})\n");
        _log.Append(output).Append('\n');
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"a RUN step failed:\n{Log}");
        }
    }

    // An absolute path of the image maps into the stage's folder; a relative one stays relative to WORKDIR.
    private static string Map(string stageRoot, string workdir, string path) =>
        path.StartsWith('/') ? Path.Combine(stageRoot, path.TrimStart('/')) : Path.Combine(workdir, path);

    private static string Expand(string word, Dictionary<string, string> arguments) =>
        VariablePattern().Replace(word, m => arguments[m.Groups[1].Value + m.Groups[2].Value]);

    // Docker's names for the architectures, which dotnet's -a also takes.
    private static string TargetArch() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => throw new PlatformNotSupportedException($"no Docker TARGETARCH for {other}"),
    };

    [GeneratedRegex(@"\$\{(\w+)\}|\$(\w+)")]
    private static partial Regex VariablePattern();
}

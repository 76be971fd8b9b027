using System.Diagnostics;
using Stance.Tests.Support;

namespace Stance.Tests.Deploy;

/// <summary>The image's file system as the Dockerfile would build it (see <see cref="ImageBuild"/>), built once for
/// the tests of a class: a Release publish of the job, about 20 to 40 s on two cores.</summary>
public sealed class PublishedImage : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();

    /// <summary>The replayed build: the image's working directory, environment and entry point.</summary>
    internal ImageBuild Build { get; private set; } = null!;

    /// <summary>How long the build took.</summary>
    public TimeSpan Duration { get; private set; }

    /// <summary>A folder beside the image's for a test's input, output and home.</summary>
    public string Scratch(string name) => Directory.CreateDirectory(Path.Combine(_folder.Path, name)).FullName;

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        // Generous: a cold NuGet cache downloads every package first.
        var root = Path.Combine(_folder.Path, "image");
        Build = await ImageBuild.RunAsync(RepoPaths.Root, root, TimeSpan.FromMinutes(10));
        Duration = clock.Elapsed;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Dispose();
}

/// <summary>The tests that publish the job: a Release build keeps every core busy for tens of seconds, so they run
/// on their own, not beside the tests whose timeouts are measured in real time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishRunsAlone
{
    public const string Name = "publish";
}

using Stance.Tests.Support;

namespace Stance.Tests.Deploy;

/// <summary>The Dockerfile and .dockerignore, read as text: no Docker runs in the tests. PublishedJobTests replays
/// the build and runs what it publishes.</summary>
public sealed class DockerfileTests
{
    private static Dockerfile Read() => Dockerfile.Load(Path.Combine(RepoPaths.Root, "Dockerfile"));

    [Fact]
    public void TheImageIsBuiltWithTheSdkAndRunsOnTheRuntimeAlone()
    {
        var dockerfile = Read();

        Assert.Equal(2, dockerfile.Stages.Count);
        var build = dockerfile.Stages[0];
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", build.Image);
        Assert.Equal("build", build.Name);
        Assert.Equal("mcr.microsoft.com/dotnet/runtime:10.0", dockerfile.Final.Image);
        Assert.Contains(dockerfile.Final.All("COPY"), c => c.StartsWith("--from=build ", StringComparison.Ordinal));
        // Nothing of the SDK stage but its output reaches the image: no source, no NuGet cache.
        Assert.Single(dockerfile.Final.All("COPY"), c => c.StartsWith("--from=", StringComparison.Ordinal));
    }

    [Fact]
    public void TheBuildRestoresFromTheProjectFilesAloneBeforeItCopiesTheCode()
    {
        // The restore's layer then depends on the project files only: a code change does not restore again.
        var build = Read().Stages[0].Instructions;
        var restore = build.FindIndex(i => Is(i, "RUN", "dotnet restore "));
        var publish = build.FindIndex(i => Is(i, "RUN", "dotnet publish "));
        var code = build.FindIndex(i => Is(i, "COPY", "src/Stance/ "));

        Assert.True(restore >= 0 && restore < code && code < publish, "restore, then COPY src/Stance/, then publish");
        Assert.All(
            build.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(i => i.Words.SkipLast(1)),
            source => Assert.Matches(@"(\.csproj|\.props|global\.json|\.editorconfig)$", source));
        Assert.Contains("--no-restore", build[publish].Words);
        Assert.Contains("Release", build[publish].Words);
    }

    private static bool Is(DockerInstruction instruction, string keyword, string start) =>
        instruction.Keyword == keyword && instruction.Arguments.StartsWith(start, StringComparison.Ordinal);

    [Fact]
    public void TheImageStartsTheJobFromItsFolderAsANonRootUser()
    {
        var image = Read().Final;

        Assert.Equal("[\"dotnet\", \"Stance.dll\"]", Assert.Single(image.All("ENTRYPOINT")));
        // The job finds appsettings.json and prompts/ in its working directory.
        Assert.Equal("/app", image.All("WORKDIR").Last());
        Assert.Contains(image.All("COPY"), c => c.StartsWith("prompts/ ", StringComparison.Ordinal));
        Assert.Contains(image.All("COPY"), c => c.StartsWith("appsettings.json ", StringComparison.Ordinal));
        // The .NET images' non-root user, by number, so that Kubernetes can check runAsNonRoot.
        Assert.Equal("$APP_UID", image.All("USER").Last());
        Assert.Contains("TMPDIR=/tmp", image.All("ENV"));
    }

    [Fact]
    public void TheBuildContextLeavesOutBuildOutputAndKeepsWhatTheDockerfileCopies()
    {
        var ignore = DockerIgnore.Load(Path.Combine(RepoPaths.Root, ".dockerignore"));
        var copied = Read().Stages
            .SelectMany(s => s.Instructions)
            .Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from=", StringComparison.Ordinal))
            .SelectMany(i => i.Words.SkipLast(1));

        Assert.All(copied, source => Assert.False(ignore.Excludes(source), $"{source} is left out of the context"));
        Assert.True(ignore.Excludes("src/Stance/obj/project.assets.json"));
        Assert.True(ignore.Excludes("src/Stance/bin/Debug/net10.0/Stance.dll"));
        Assert.True(ignore.Excludes(".git"));
        Assert.True(ignore.Excludes("out/paragraphs/run_date=2026-12-02/part.parquet"));
        Assert.True(ignore.Excludes("tools/emulators/node_modules/s3rver/package.json"));
        Assert.False(ignore.Excludes("src/Stance/Program.cs"));
        Assert.False(ignore.Excludes("prompts/stance/skprompt.txt"));
    }
}

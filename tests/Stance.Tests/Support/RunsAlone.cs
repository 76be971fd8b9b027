namespace Stance.Tests.Support;

/// <summary>The tests that run the GGUF model: they keep the CPU busy for tens of seconds, so they run on their own,
/// not beside the tests whose timeouts and retries are measured in real time (chaos, crash).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "local model";
}

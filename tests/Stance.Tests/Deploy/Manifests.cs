using k8s;
using k8s.Models;
using Stance.Tests.Support;
using YamlDotNet.Core;

namespace Stance.Tests.Deploy;

/// <summary>The Kubernetes manifests under deploy/k8s, read into the typed models of the Kubernetes client (strictly:
/// a field Kubernetes does not know is an error, the nearest the tests get to a cluster's validation).</summary>
internal static class Manifests
{
    /// <summary>The folder of the manifests.</summary>
    public static string Folder => Path.Combine(RepoPaths.Root, "deploy", "k8s");

    /// <summary>Every manifest file, in name order.</summary>
    public static IReadOnlyList<string> Files =>
        [.. Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal)];

    /// <summary>The objects of one file.</summary>
    public static List<object> Load(string file)
    {
        try
        {
            return KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true);
        }
        catch (YamlException ex)
        {
            // YamlDotNet names the line and the field, not the file.
            throw new InvalidDataException($"{Path.GetRelativePath(RepoPaths.Root, file)}: {ex.Message}", ex);
        }
    }

    /// <summary>The nightly CronJob.</summary>
    public static V1CronJob CronJob => Single<V1CronJob>("cronjob.yaml");

    /// <summary>The nightly CronJob's Job.</summary>
    public static V1JobSpec NightlyJob => CronJob.Spec.JobTemplate.Spec;

    /// <summary>The nightly pod's container.</summary>
    public static V1Container NightlyContainer => Assert.Single(NightlyJob.Template.Spec.Containers);

    /// <summary>The optional commit step's Job.</summary>
    public static V1Job CommitJob => Single<V1Job>("commit-job.yaml");

    /// <summary>The example secret.</summary>
    public static V1Secret Secret => Single<V1Secret>("secret.example.yaml");

    /// <summary>The pod templates of every manifest, named by file.</summary>
    public static IEnumerable<(string File, V1PodTemplateSpec Pod)> Pods =>
        Files.SelectMany(file => Load(file).SelectMany(o => o switch
        {
            V1CronJob cronJob => [cronJob.Spec.JobTemplate.Spec.Template],
            V1Job job => [job.Spec.Template],
            _ => Array.Empty<V1PodTemplateSpec>(),
        }).Select(pod => (Path.GetFileName(file), pod)));

    /// <summary>The value after <paramref name="name"/> in a container's args, or null.</summary>
    public static string? Argument(V1Container container, string name)
    {
        var index = container.Args.IndexOf(name);
        return index >= 0 && index + 1 < container.Args.Count ? container.Args[index + 1] : null;
    }

    /// <summary>A container's environment variable by name.</summary>
    public static V1EnvVar Env(V1Container container, string name) =>
        Assert.Single(container.Env, e => e.Name == name);

    private static T Single<T>(string file) => Assert.Single(Load(Path.Combine(Folder, file)).OfType<T>());
}
